"""Theme and summary of an article in one call: what the CLI, REST API and batch scorer return."""

from __future__ import annotations

from service.model.classifier import ThemeClassifier
from service.summary.salience import Salience
from service.summary.summarizer import Summarizer
from service.text.article import Article
from service.text.lexicon import default_lexicon
from service.text.prepare import has_chinese

NO_CHINESE = "no_chinese_text: the text holds no Chinese characters, so no theme applies; answered other"


class Analyzer:
    """A loaded model and a summarizer that uses the model's vocabulary."""

    def __init__(self, model: ThemeClassifier, summarizer: Summarizer | None = None) -> None:
        self.model = model
        extra = model.labels.extra_terms()  # a user's theme: its seed terms key summaries and keywords too
        lexicon = default_lexicon().extended(extra) if extra else None
        salience = Salience.from_json(model.metadata.get("salience"))  # learned from editors' picks, where the version has it
        self.summarizer = summarizer or Summarizer(idf=model.idf(), lexicon=lexicon, tokenizer=model.tokenizer, salience=salience)

    @property
    def model_version(self) -> str:
        """Version of the theme model."""
        return self.model.version

    def analyze(self, text: str, title: str | None = None, *, max_chars: int | None = None, max_sentences: int | None = None) -> dict:
        """Theme, scores, themes, evidence, summary, sentences and keywords of one article."""
        return self.analyze_many([(title, text)], max_chars=max_chars, max_sentences=max_sentences)[0]

    def classify_many(self, items: list[tuple[str | None, str]]) -> list[dict]:
        """Theme, scores, themes, evidence and warnings of many (title, text) pairs, the model run once;
        a text with no Chinese is ``other`` with a warning."""
        return self._classified([self.model.article(text, title) for title, text in items])

    def _classified(self, articles: list[Article]) -> list[dict]:
        out = []
        for article, prediction in zip(articles, self.model.predict(articles)):
            warnings = []
            if not has_chinese(f"{article.title or ''}{article.text}"):
                warnings.append(NO_CHINESE)
                prediction = prediction.as_other(self.model.labels.name_zh("other"))
            out.append({**prediction.to_dict(), "warnings": warnings, "model_version": self.model.version})
        return out

    def analyze_many(self, items: list[tuple[str | None, str]], *, max_chars: int | None = None, max_sentences: int | None = None) -> list[dict]:
        """:meth:`analyze` for many (title, text) pairs: each article prepared once
        (:class:`service.text.article.Article`) for the model, which runs once over all of them, and
        for its summary."""
        articles = [self.model.article(text, title) for title, text in items]
        out = []
        for article, result in zip(articles, self._classified(articles)):
            summary = self.summarizer.summarize(article, themes=result["themes"], max_chars=max_chars, max_sentences=max_sentences)
            out.append({**result, **summary.to_dict()})
        return out
