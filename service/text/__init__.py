"""Text: preparation, encodings, bulletin splitting, sentences, tokenizer and the policy-term lexicon."""
