"""zonedigest at run time: themes and extractive summaries of Chinese regional-development news.

The house, one room a job; imports run one way, from the surfaces down to the text::

    cli.py            the one ``zonedigest`` command: serve, classify, summarize, split, score, train ...
    api/              REST API (Flask app factory, blueprints, request schemas, errors, OpenAPI),
                      web page, settings, metrics, the hot-swapping model holder, gunicorn runner
    batch/            many records in, one checkpointed output out (JSONL, CSV, SQLite): inputs, engines (local, Dask), report
    documents/        bulletin files read into text: PDF, Word, HTML, plain text (type from the content)
    examples/         labeled examples users add: validation, the SQLite store, what to label next
    analyzer.py       one article's theme and summary together (classifier + summarizer)
    model/            the theme model: features, estimator, compiled scorer, versions on disk
    summary/          the extractive summarizer (units a reader accepts) and keywords
    text/             text preparation, encodings, bulletin splitting, sentences, tokenizer, policy lexicon
    labels.py         the label set every room speaks (data: each model version carries its own)

It never trains: ``training/`` turns labeled examples into model versions in ``models/``.
"""
