"""Bulletin files (PDF, Word .docx, HTML, plain text) read into text that splits into articles.

    read_document(data, filename="") -> Document(kind, title, text, sections), or raises DocumentError(code, message)
    read_path(path)                  -> Document
    articles(document)               -> list[Article]   (split at marked headlines, else by split_bulletin)

sniff.py tells the type from the content (the name is only a hint). pdf_reader.py reads lines with
PDFium and pdf_layout.py orders them, drops running headers and page numbers and rejoins paragraphs;
docx_reader.py reads paragraphs and heading levels with python-docx; html_reader.py decodes the page
and extracts its main text with trafilatura; outline.py turns heading levels into article sections.
"""

from service.documents.errors import CODES, DocumentError
from service.documents.reader import Document, articles, read_document, read_path

__all__ = ["CODES", "Document", "DocumentError", "articles", "read_document", "read_path"]
