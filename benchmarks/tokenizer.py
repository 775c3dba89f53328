"""Tokenizer backends: speed, and how often rjieba segments exactly like jieba.lcut.

Usage: python benchmarks/tokenizer.py [N]   (N stories of each archive, default 3000)
Both backends load jieba's dictionary plus the shipped policy-term lexicon.
"""

from __future__ import annotations

import sys

from _common import archive, median_seconds

from service.text.tokenizer import Tokenizer


def boundaries(words: list[str]) -> set[int]:
    out, pos = set(), 0
    for w in words:
        pos += len(w)
        out.add(pos)
    return out


def main(n: int) -> None:
    fast, reference = Tokenizer(backend="rjieba"), Tokenizer(backend="jieba")
    fast.initialize()
    reference.initialize()
    for name in ("archive_xwlb.jsonl.gz", "archive_rmrb.jsonl.gz"):
        texts = [r["text"] for r in archive(name, n)]
        chars = sum(map(len, texts))
        ref = [reference.cut(t) for t in texts]
        got = [fast.cut(t) for t in texts]
        same_docs = sum(a == b for a, b in zip(ref, got, strict=False)) / len(texts)
        tp = fp = fn = 0
        for a, b in zip(ref, got, strict=False):
            ra, rb = boundaries(a), boundaries(b)
            tp, fp, fn = tp + len(ra & rb), fp + len(rb - ra), fn + len(ra - rb)
        f1 = 2 * tp / (2 * tp + fp + fn)
        t_ref = median_seconds(lambda texts=texts: [reference.cut(t) for t in texts], 3)
        t_fast = median_seconds(lambda texts=texts: [fast.cut(t) for t in texts], 3)
        print(f"{name}: {len(texts)} texts, {chars / 1e6:.2f} M chars")
        print(f"  jieba.lcut  {chars / t_ref / 1e6:6.2f} M chars/s  (median of 3: {t_ref:.2f} s)")
        print(f"  rjieba      {chars / t_fast / 1e6:6.2f} M chars/s  (median of 3: {t_fast:.2f} s)  speed-up {t_ref / t_fast:.1f}x")
        print(f"  identical segmentation: {same_docs:.1%} of texts; word-boundary F1 vs jieba.lcut {f1:.4f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3000)
