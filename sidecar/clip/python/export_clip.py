"""Export a Hugging Face CLIPModel to the ONNX layout pixrank loads (sidecar/clip/model-folder.ts).

    python export_clip.py --out DIR --random-b32 [--seed N]   # transformers' default CLIPConfig = ViT-B/32 sizes
    python export_clip.py --out DIR --checkpoint CKPT         # a CLIPModel saved with save_pretrained

Writes, like the public ONNX ports of CLIP:
    DIR/onnx/text_model.onnx            input_ids, attention_mask [batch, sequence] -> text_embeds, last_hidden_state
    DIR/onnx/vision_model.onnx          pixel_values [batch, 3, H, W] -> image_embeds, last_hidden_state
    DIR/onnx/*_quantized.onnx           dynamic int8 (onnxruntime.quantization.quantize_dynamic)
    DIR/tokenizer.json, DIR/preprocessor_config.json, DIR/config.json
Embeddings are the projections before L2 normalization (as CLIPTextModelWithProjection gives them).
After export every ONNX file is run on a few inputs beside the torch model; an fp32 file whose
cosine to torch is below 0.9999 on any row fails the export (exit code 1).
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import onnxruntime as ort
import torch
from onnxruntime.quantization import QuantType, quantize_dynamic
from transformers import CLIPConfig, CLIPModel

OPSET = 17
FP32_MIN_COSINE = 0.9999
# CLIP's image normalization (OpenAI's values, as CLIPImageProcessor ships them).
CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073]
CLIP_STD = [0.26862954, 0.26130258, 0.27577711]
BOS, EOS = 49406, 49407

# The tracer warns that shapes become constants; verify() below runs other batch sizes and
# sequence lengths than the traced ones, so a graph that did not generalize fails there.
warnings.filterwarnings("ignore", category=torch.jit.TracerWarning)
warnings.filterwarnings("ignore", message=".*legacy TorchScript-based ONNX export.*")
warnings.filterwarnings("ignore", message=".*aten::index operator of advanced indexing.*")


def log(message: str) -> None:
    print(f"export_clip: {message}", file=sys.stderr, flush=True)


def fail(message: str) -> None:
    print(f"export_clip: error: {message}", file=sys.stderr, flush=True)
    sys.exit(1)


class TextTower(torch.nn.Module):
    """input_ids, attention_mask -> (text_embeds, last_hidden_state), sharing the CLIPModel's weights."""

    def __init__(self, clip: CLIPModel) -> None:
        super().__init__()
        self.text_model = clip.text_model
        self.text_projection = clip.text_projection

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor):
        out = self.text_model(input_ids=input_ids, attention_mask=attention_mask)
        return self.text_projection(out.pooler_output), out.last_hidden_state


class VisionTower(torch.nn.Module):
    """pixel_values -> (image_embeds, last_hidden_state), sharing the CLIPModel's weights."""

    def __init__(self, clip: CLIPModel) -> None:
        super().__init__()
        self.vision_model = clip.vision_model
        self.visual_projection = clip.visual_projection

    def forward(self, pixel_values: torch.Tensor):
        out = self.vision_model(pixel_values=pixel_values)
        return self.visual_projection(out.pooler_output), out.last_hidden_state


def check_checkpoint(args: argparse.Namespace) -> None:
    if not args.checkpoint:
        return
    ckpt = Path(args.checkpoint)
    if not (ckpt / "config.json").is_file():
        fail(f"{ckpt} is not a Hugging Face checkpoint folder (no config.json)")
    model_type = json.loads((ckpt / "config.json").read_text()).get("model_type")
    if model_type != "clip":
        fail(f"{ckpt}/config.json has model_type {model_type!r}; a CLIPModel checkpoint has 'clip'")


def load_model(args: argparse.Namespace) -> CLIPModel:
    if args.random_b32:
        torch.manual_seed(args.seed)
        log(f"building CLIPModel(CLIPConfig()) with random weights, seed {args.seed}")
        model = CLIPModel(CLIPConfig())
    else:
        ckpt = Path(args.checkpoint)
        log(f"loading CLIPModel from {ckpt}")
        try:
            model, info = CLIPModel.from_pretrained(str(ckpt), dtype=torch.float32, output_loading_info=True)
        except Exception as error:  # missing or unreadable weights: say which folder
            fail(f"cannot load a CLIPModel from {ckpt}: {error}")
        # from_pretrained fills missing weights with random ones and only warns; an export of
        # such a model would look fine and mean nothing.
        missing = [key for key in info.get("missing_keys", []) if not key.endswith("position_ids")]
        if missing:
            fail(f"{ckpt} lacks {len(missing)} weights of a CLIPModel, e.g. {', '.join(sorted(missing)[:3])}")
    return model.eval()


def sample_text(model: CLIPModel) -> tuple[torch.Tensor, torch.Tensor]:
    """Three rows of different lengths padded to the longest (8 tokens, 77 tokens, 3 tokens)."""
    cfg = model.config.text_config
    gen = torch.Generator().manual_seed(1)
    pad = cfg.pad_token_id if cfg.pad_token_id is not None and cfg.pad_token_id < cfg.vocab_size else EOS
    longest = cfg.max_position_embeddings
    lengths = [8, longest, 3]
    ids = torch.full((len(lengths), longest), pad, dtype=torch.int64)
    mask = torch.zeros((len(lengths), longest), dtype=torch.int64)
    for row, n in enumerate(lengths):
        body = torch.randint(1, min(BOS, cfg.vocab_size - 2), (n - 2,), generator=gen)
        ids[row, :n] = torch.cat([torch.tensor([BOS]), body, torch.tensor([EOS])])
        mask[row, :n] = 1
    return ids, mask


def sample_pixels(model: CLIPModel, batch: int) -> torch.Tensor:
    size = model.config.vision_config.image_size
    return torch.randn((batch, 3, size, size), generator=torch.Generator().manual_seed(2))


def export_towers(model: CLIPModel, onnx_dir: Path) -> None:
    ids, mask = sample_text(model)
    started = time.time()
    torch.onnx.export(
        TextTower(model).eval(),
        (ids[:1, :8], mask[:1, :8]),
        str(onnx_dir / "text_model.onnx"),
        input_names=["input_ids", "attention_mask"],
        output_names=["text_embeds", "last_hidden_state"],
        dynamic_axes={
            "input_ids": {0: "batch", 1: "sequence"},
            "attention_mask": {0: "batch", 1: "sequence"},
            "text_embeds": {0: "batch"},
            "last_hidden_state": {0: "batch", 1: "sequence"},
        },
        opset_version=OPSET,
        dynamo=False,  # the TorchScript exporter: dynamic axes as named, one self-contained file
    )
    log(f"wrote text_model.onnx in {time.time() - started:.0f} s")
    started = time.time()
    torch.onnx.export(
        VisionTower(model).eval(),
        (sample_pixels(model, 1),),
        str(onnx_dir / "vision_model.onnx"),
        input_names=["pixel_values"],
        output_names=["image_embeds", "last_hidden_state"],
        dynamic_axes={"pixel_values": {0: "batch"}, "image_embeds": {0: "batch"}, "last_hidden_state": {0: "batch"}},
        opset_version=OPSET,
        dynamo=False,
    )
    log(f"wrote vision_model.onnx in {time.time() - started:.0f} s")


def quantize(onnx_dir: Path) -> None:
    # quantize_dynamic logs a hint about static-quantization pre-processing on the root logger;
    # dynamic int8 of MatMul weights does not need it.
    logging.getLogger().setLevel(logging.ERROR)
    for name in ("text_model", "vision_model"):
        started = time.time()
        quantize_dynamic(
            str(onnx_dir / f"{name}.onnx"), str(onnx_dir / f"{name}_quantized.onnx"), weight_type=QuantType.QInt8
        )
        log(f"wrote {name}_quantized.onnx (dynamic int8) in {time.time() - started:.0f} s")


def cosine_rows(a: np.ndarray, b: np.ndarray) -> list[float]:
    a = a.astype(np.float64)
    b = b.astype(np.float64)
    dots = (a * b).sum(axis=1)
    return (dots / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))).tolist()


def verify(model: CLIPModel, onnx_dir: Path) -> dict[str, list[float]]:
    """Cosine of each ONNX file's embeddings to torch's, per row; fp32 below FP32_MIN_COSINE fails."""
    ids, mask = sample_text(model)
    pixels = sample_pixels(model, 2)
    with torch.no_grad():
        text_ref = TextTower(model)(ids, mask)[0].numpy()
        image_ref = VisionTower(model)(pixels)[0].numpy()
    options = ort.SessionOptions()
    options.intra_op_num_threads = 2
    results: dict[str, list[float]] = {}
    for suffix in ("", "_quantized"):
        text = ort.InferenceSession(str(onnx_dir / f"text_model{suffix}.onnx"), options, providers=["CPUExecutionProvider"])
        got = text.run(["text_embeds"], {"input_ids": ids.numpy(), "attention_mask": mask.numpy()})[0]
        results[f"text_model{suffix}.onnx"] = cosine_rows(got, text_ref)
        vision = ort.InferenceSession(str(onnx_dir / f"vision_model{suffix}.onnx"), options, providers=["CPUExecutionProvider"])
        got = vision.run(["image_embeds"], {"pixel_values": pixels.numpy()})[0]
        results[f"vision_model{suffix}.onnx"] = cosine_rows(got, image_ref)
    for name, cosines in results.items():
        print(f"verify {name}: cosine to torch per row {' '.join(f'{c:.6f}' for c in cosines)}", flush=True)
    bad = [name for name, cosines in results.items() if "_quantized" not in name and min(cosines) < FP32_MIN_COSINE]
    if bad:
        fail(f"{', '.join(bad)} differ from torch: cosine below {FP32_MIN_COSINE} (see the lines above)")
    return results


def tokenizer_dir(args: argparse.Namespace) -> Path:
    """The checkpoint's own tokenizer when it has one, else --tokenizer (CLIP's real BPE vocabulary)."""
    ckpt = Path(args.checkpoint) if args.checkpoint else None
    if ckpt and (ckpt / "tokenizer.json").is_file():
        return ckpt
    tok_dir = Path(args.tokenizer) if args.tokenizer else None
    if tok_dir is None or not (tok_dir / "tokenizer.json").is_file():
        where = f"{ckpt} has no tokenizer.json and" if ckpt else "--random-b32 has no tokenizer:"
        fail(f"{where} --tokenizer DIR (a folder with CLIP's tokenizer.json) gave {'none' if tok_dir is None else f'none in {tok_dir}'}")
    return tok_dir


def write_side_files(model: CLIPModel, args: argparse.Namespace, tok_dir: Path, out: Path) -> None:
    model.config.to_json_file(str(out / "config.json"))
    ckpt = Path(args.checkpoint) if args.checkpoint else None
    for name in ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.json", "merges.txt"):
        if (tok_dir / name).is_file():
            shutil.copyfile(tok_dir / name, out / name)
    if ckpt and (ckpt / "preprocessor_config.json").is_file():
        shutil.copyfile(ckpt / "preprocessor_config.json", out / "preprocessor_config.json")
    else:
        size = model.config.vision_config.image_size
        config = {
            "crop_size": {"height": size, "width": size},
            "do_center_crop": True,
            "do_convert_rgb": True,
            "do_normalize": True,
            "do_rescale": True,
            "do_resize": True,
            "image_mean": CLIP_MEAN,
            "image_processor_type": "CLIPImageProcessor",
            "image_std": CLIP_STD,
            "resample": 3,
            "rescale_factor": 1 / 255,
            "size": {"shortest_edge": size},
        }
        (out / "preprocessor_config.json").write_text(json.dumps(config, indent=2) + "\n")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Export a CLIPModel to pixrank's ONNX layout (fp32 and dynamic int8).")
    parser.add_argument("--out", required=True, help="output folder (created; existing files are replaced)")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--checkpoint", help="a Hugging Face CLIPModel folder saved with save_pretrained")
    source.add_argument("--random-b32", action="store_true", help="random weights in ViT-B/32 sizes (CLIPConfig())")
    parser.add_argument("--seed", type=int, default=0, help="torch seed for --random-b32 (default 0)")
    parser.add_argument("--tokenizer", help="folder with tokenizer.json, used when the checkpoint has none")
    return parser.parse_args(argv)


def main(argv: list[str]) -> None:
    args = parse_args(argv)
    out = Path(args.out)
    onnx_dir = out / "onnx"
    check_checkpoint(args)
    tok_dir = tokenizer_dir(args)
    model = load_model(args)
    onnx_dir.mkdir(parents=True, exist_ok=True)
    write_side_files(model, args, tok_dir, out)
    with torch.no_grad():
        export_towers(model, onnx_dir)
    quantize(onnx_dir)
    results = verify(model, onnx_dir)
    summary = {
        "out": str(out.resolve()),
        "source": "random-b32" if args.random_b32 else str(Path(args.checkpoint).resolve()),
        "seed": args.seed if args.random_b32 else None,
        "dims": model.config.projection_dim,
        "opset": OPSET,
        "versions": {"torch": torch.__version__, "onnxruntime": ort.__version__, "transformers": __import__("transformers").__version__},
        "cosine_to_torch": results,
        "files": {p.name: p.stat().st_size for p in sorted(onnx_dir.glob("*.onnx"))},
    }
    # The last stdout line is machine-readable, for export.ts.
    print(json.dumps(summary), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
