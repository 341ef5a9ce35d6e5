"""Train a small CLIP on a generated world, for offline demos, tests and pipeline benchmarks.

    python train_world_clip.py --data SET --tokenizer DIR --out CKPT [--seed 0] [--epochs 30] [--batch 128]

SET is what `pixrank model train-world` writes from a dataset in the Unsplash Lite layout
(sidecar/clip/train/training-set.ts): `pixels.u8` (N x 224 x 224 x 3 RGB bytes, the crop the
image encoder sees at inference, made by the product's own preprocessing) and `photos.jsonl`
(keywords with confidences, color names with coverage, descriptions). Captions are drawn from
those tables only, never from the generator's truth/.

The model is a transformers CLIPModel (CLIP's architecture, its real BPE tokenizer and 49,408-token
vocabulary, 224x224 input, patch 32) in small widths, trained with CLIP's symmetric InfoNCE and a
learned temperature. A caption's positives in a batch are its own photo and every photo that carries
what the caption states (its keywords at confidence >= 0.4, its color as the dominant one, by the
tables): two beach photos are not each other's negatives for the caption "beach".

Beside InfoNCE, an auxiliary head (dropped from the saved model) predicts each photo's confident
keywords from its image embedding (`--keyword-loss`, cross-entropy, tables only). With
in-batch captions as the only target the vision tower learned topics slowly — a few thousand photos,
a text tower that starts random — while the same tower learns them in a few hundred steps against
fixed keyword targets; the head gives it that stable target and InfoNCE aligns the towers.

Prints the loss curve and held-out retrieval (10% of the photos, by seed) as it goes; writes a
save_pretrained checkpoint with tokenizer.json, and training.json (settings, curve, final numbers)
beside it. The last stdout line is a JSON summary.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import shutil
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from tokenizers import Tokenizer
from transformers import CLIPConfig, CLIPModel

CLIP_MEAN = torch.tensor([0.48145466, 0.4578275, 0.40821073]).view(1, 3, 1, 1)
CLIP_STD = torch.tensor([0.26862954, 0.26130258, 0.27577711]).view(1, 3, 1, 1)
BOS, EOS = 49406, 49407
CONTEXT = 77
# A keyword at this confidence or more is a fact about the photo for the contrastive targets.
MATCH_CONFIDENCE = 0.4
# Share of color-free captions whose photo is shown without its colors.
DECOLOR_SHARE = 0.5
# Share of captions whose words are put into one of the world's other languages (translations.json):
# the contrastive loss then lands each language's words on the same photos as the English ones, as
# multilingual CLIP is trained from translated captions (M-CLIP, Carlsson et al. 2022).
TRANSLATE_SHARE = 0.3


def log(message: str) -> None:
    print(f"train_world_clip: {message}", file=sys.stderr, flush=True)


def fail(message: str) -> None:
    print(f"train_world_clip: error: {message}", file=sys.stderr, flush=True)
    sys.exit(1)


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Train a small CLIPModel on a generated world (contrastive, symmetric InfoNCE).")
    p.add_argument("--data", required=True, help="training set folder (pixels.u8, photos.jsonl)")
    p.add_argument("--tokenizer", required=True, help="folder with CLIP's tokenizer.json")
    p.add_argument("--out", required=True, help="checkpoint folder to write (save_pretrained)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--epochs", type=int, default=30)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--lr", type=float, default=1.5e-3)
    p.add_argument("--held-out", type=float, default=0.1, help="share of photos kept out of training for the retrieval check")
    p.add_argument("--text-width", type=int, default=64)
    p.add_argument("--text-layers", type=int, default=4)
    p.add_argument("--vision-width", type=int, default=128)
    p.add_argument("--vision-layers", type=int, default=4)
    p.add_argument("--projection", type=int, default=256)
    p.add_argument("--threads", type=int, default=0, help="torch threads (default: all cores)")
    p.add_argument("--check-every", type=int, default=5, help="epochs between held-out retrieval checks")
    p.add_argument("--keyword-loss", type=float, default=1.0, help="weight of the auxiliary keyword prediction loss (0: InfoNCE only)")
    p.add_argument("--random-patch-init", action="store_true", help="start the patch embedding from CLIP's random init instead of a bank of gratings")
    return p.parse_args(argv)


def build_model(args: argparse.Namespace) -> CLIPModel:
    text = dict(hidden_size=args.text_width, intermediate_size=4 * args.text_width, num_hidden_layers=args.text_layers,
                num_attention_heads=max(1, args.text_width // 16), max_position_embeddings=CONTEXT, vocab_size=49408,
                bos_token_id=BOS, eos_token_id=EOS, pad_token_id=EOS)
    vision = dict(hidden_size=args.vision_width, intermediate_size=4 * args.vision_width, num_hidden_layers=args.vision_layers,
                  num_attention_heads=max(1, args.vision_width // 32), image_size=224, patch_size=32)
    config = CLIPConfig(text_config=text, vision_config=vision, projection_dim=args.projection)
    return CLIPModel(config)


def grating_patch_init(model: CLIPModel) -> None:
    """Starts the vision tower's patch embedding (a 32x32 stride-32 convolution) as a bank of
    oriented gratings in a Gaussian window - 8 orientations x 6 wavelengths x 2 phases on luminance -
    plus color-opponent and flat channels, scaled to the norm of CLIP's own init. A ViT's first layer
    learns filters like these from millions of photos; from a few thousand it learns them slowly,
    and the generator's topics are textures (bench/world/textures.ts) that such filters see."""
    conv = model.vision_model.embeddings.patch_embedding
    out, _, k, _ = conv.weight.shape
    coords = torch.arange(k, dtype=torch.float32) - (k - 1) / 2
    y, x = torch.meshgrid(coords, coords, indexing="ij")
    window = torch.exp(-(x**2 + y**2) / (2 * 10.0**2))
    filters = []
    for wavelength in (6.0, 8.0, 11.0, 14.0, 18.0, 24.0):
        for o in range(8):
            theta = math.pi * o / 8
            u = x * math.cos(theta) + y * math.sin(theta)
            for phase in (0.0, math.pi / 2):
                g = torch.cos(2 * math.pi * u / wavelength + phase) * window
                filters.append(torch.stack([g, g, g]))
    flat = torch.ones(k, k)
    for rgb in ((1, 1, 1), (1, -1, 0), (1, 1, -2), (1, 0, -1), (0, 1, -1), (-1, 2, -1)):
        filters.append(torch.stack([c * flat for c in rgb]).float())
    with torch.no_grad():
        weight = conv.weight.clone()
        target = weight.flatten(1).norm(dim=1).mean()
        for i, f in enumerate(filters[:out]):
            weight[i] = f * (target / f.norm())
        conv.weight.copy_(weight)


class Captions:
    """Draws a caption for a photo from its tables (keywords by confidence, the dominant color,
    descriptions) together with the facts it states: the keywords and colors a photo must carry for
    the caption to describe it too."""

    def __init__(self, photo: dict, rng: random.Random, translations: dict[str, list[str]] | None = None) -> None:
        self.rng = rng
        self.translations = translations or {}
        self.keywords = [(k, max(c, 0.01)) for k, c in photo["keywords"]]
        self.colors = [name for name, coverage in sorted(photo["colors"], key=lambda c: -c[1])]
        self.texts = [t for t in (photo.get("description"), photo.get("ai_description")) if t]
        # What this photo carries: its confident keywords and its dominant color.
        self.facts = {k for k, c in photo["keywords"] if c >= MATCH_CONFIDENCE}
        if self.colors:
            self.facts.add(f"color:{self.colors[0]}")

    def keyword(self) -> str:
        words, weights = zip(*self.keywords)
        return self.rng.choices(words, weights=[w * w for w in weights])[0]

    def draw(self) -> tuple[str, frozenset[str] | None]:
        """(caption, facts), a share of them in another language (same facts); facts None = a free
        text that describes this photo only."""
        caption, facts = self.draw_english()
        if facts is None or not self.translations or self.rng.random() >= TRANSLATE_SHARE:
            return caption, facts
        language = self.rng.randrange(len(next(iter(self.translations.values()))))
        # Colors first, then keywords, sorted: a frozenset's order changes with the hash seed.
        words = [f.removeprefix("color:") for f in sorted(facts, key=lambda f: (not f.startswith("color:"), f))]
        if not all(w in self.translations for w in words):
            return caption, facts
        return " ".join(self.translations[w][language] for w in words), facts

    def draw_english(self) -> tuple[str, frozenset[str] | None]:
        r = self.rng.random()
        color = self.colors[0] if self.colors else None
        if r < 0.35:
            k = self.keyword()
            return k, frozenset([k])
        if r < 0.5:
            k = self.keyword()
            return f"a photo of {k}", frozenset([k])
        if r < 0.65 and color:
            k = self.keyword()
            return f"{color} {k}", frozenset([k, f"color:{color}"])
        if r < 0.75 and color:
            return (color if self.rng.random() < 0.5 else f"a {color} photo"), frozenset([f"color:{color}"])
        if r < 0.85 and len(self.keywords) > 1:
            a, b = self.keyword(), self.keyword()
            return f"{a}, {b}", frozenset([a, b])
        if self.texts:
            return self.rng.choice(self.texts), None
        k = self.keyword()
        return k, frozenset([k])


def caption_targets(drawn: list[tuple[str, frozenset[str] | None]], photos: list[Captions], decolor: list[bool], color_words: set[str]) -> torch.Tensor:
    """matches[i, j] = 1 when caption i describes photo j: its own photo, an identical caption, or a
    photo carrying every keyword and color the caption states (all from the tables; a photo whose
    colors were hidden carries no color)."""
    n = len(drawn)
    matches = torch.eye(n)
    facts_of = [p.facts if not d else {f for f in p.facts if not f.startswith("color:") and f not in color_words} for p, d in zip(photos, decolor)]
    for i, (text, facts) in enumerate(drawn):
        for j in range(n):
            if i != j and (drawn[j][0] == text or (facts is not None and facts <= facts_of[j])):
                matches[i, j] = 1
    return matches


class KeywordTargets:
    """The auxiliary head's targets: every photo's confident keywords (>= MATCH_CONFIDENCE) over the
    keywords at least `min_count` photos carry confidently, from the tables."""

    def __init__(self, photos: list[dict], color_words: set[str], min_count: int = 5) -> None:
        counts: dict[str, int] = {}
        for p in photos:
            for k, c in p["keywords"]:
                if c >= MATCH_CONFIDENCE:
                    counts[k] = counts.get(k, 0) + 1
        self.vocabulary = sorted(k for k, n in counts.items() if n >= min_count)
        position = {k: i for i, k in enumerate(self.vocabulary)}
        self.targets = torch.zeros(len(photos), len(self.vocabulary))
        for i, p in enumerate(photos):
            for k, c in p["keywords"]:
                if c >= MATCH_CONFIDENCE and k in position:
                    self.targets[i, position[k]] = 1
        self.is_color = torch.tensor([k in color_words for k in self.vocabulary])

    def loss(self, logits: torch.Tensor, index: list[int], decolor: list[bool]) -> torch.Tensor:
        """Cross-entropy against the photo's keywords as one distribution (softmax over the
        vocabulary, as a classifier learns: strong gradients where a mean binary loss over mostly
        absent keywords gives faint ones); a photo shown without its colors is not asked for its
        color keywords."""
        targets = self.targets[index].clone()
        for row, hidden in enumerate(decolor):
            if hidden:
                targets[row, self.is_color] = 0
        keep = targets.sum(dim=1) > 0
        if not keep.any():
            return logits.sum() * 0
        targets = targets[keep] / targets[keep].sum(dim=1, keepdim=True)
        return -(targets * F.log_softmax(logits[keep], dim=1)).sum(dim=1).mean()


def hides_color(facts: frozenset[str] | None, color_words: set[str], rng: random.Random) -> bool:
    """A caption that names no color (neither as a color nor as a keyword that is a color word,
    like the tables' "red") may be matched without its photo's colors."""
    return facts is not None and not any(f.startswith("color:") or f in color_words for f in facts) and rng.random() < DECOLOR_SHARE


def encode_texts(tokenizer: Tokenizer, texts: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
    rows = [enc.ids[:CONTEXT] for enc in tokenizer.encode_batch(texts)]
    rows = [r if r[-1] == EOS else r[: CONTEXT - 1] + [EOS] for r in rows]
    longest = max(len(r) for r in rows)
    ids = torch.full((len(rows), longest), EOS, dtype=torch.int64)
    mask = torch.zeros((len(rows), longest), dtype=torch.int64)
    for i, r in enumerate(rows):
        ids[i, : len(r)] = torch.tensor(r)
        mask[i, : len(r)] = 1
    return ids, mask


def pixel_batch(pixels: np.ndarray, index: list[int], augment: bool, rng: random.Random, decolor: list[bool] | None = None) -> torch.Tensor:
    x = torch.from_numpy(np.ascontiguousarray(pixels[index])).permute(0, 3, 1, 2).float().div_(255)
    for i, flag in enumerate(decolor or []):
        # Colors are the easy shortcut: for a caption that names no color, hide the photo's colors
        # (gray, or the channels shuffled) so only the motif can match it.
        if flag:
            if rng.random() < 0.5:
                x[i] = x[i].mean(dim=0, keepdim=True).expand(3, -1, -1)
            else:
                x[i] = x[i][rng.choice([[1, 2, 0], [2, 0, 1], [0, 2, 1], [2, 1, 0], [1, 0, 2]])]
    if augment:
        # Small shifts (reflect-padded); no flips: a mirrored texture is another topic's angle.
        pad = 12
        padded = F.pad(x, (pad, pad, pad, pad), mode="reflect")
        out = torch.empty_like(x)
        for i in range(x.shape[0]):
            dx, dy = rng.randint(0, 2 * pad), rng.randint(0, 2 * pad)
            crop = padded[i, :, dy : dy + 224, dx : dx + 224]
            out[i] = crop
        x = out
    return (x - CLIP_MEAN) / CLIP_STD


def contrastive_loss(image: torch.Tensor, text: torch.Tensor, scale: torch.Tensor, matches: torch.Tensor) -> torch.Tensor:
    """Symmetric InfoNCE; `matches[i, j]` (caption i describes image j) spreads each row's target
    over all its positives, so a photo of the same motif is not pushed away as a negative."""
    image = F.normalize(image, dim=-1)
    text = F.normalize(text, dim=-1)
    logits = scale.exp().clamp(max=100) * text @ image.t()
    to_image = matches / matches.sum(dim=1, keepdim=True)
    to_text = matches.t() / matches.t().sum(dim=1, keepdim=True)
    loss_t = -(to_image * F.log_softmax(logits, dim=1)).sum(dim=1).mean()
    loss_i = -(to_text * F.log_softmax(logits.t(), dim=1)).sum(dim=1).mean()
    return (loss_i + loss_t) / 2


def image_embeds(model: CLIPModel, pixel_values: torch.Tensor) -> torch.Tensor:
    """The projection before normalization, as the exported vision tower gives it."""
    return model.visual_projection(model.vision_model(pixel_values=pixel_values).pooler_output)


def text_embeds(model: CLIPModel, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    return model.text_projection(model.text_model(input_ids=ids, attention_mask=mask).pooler_output)


@torch.no_grad()
def embed_images(model: CLIPModel, pixels: np.ndarray, index: list[int]) -> torch.Tensor:
    out = []
    for start in range(0, len(index), 256):
        batch = pixel_batch(pixels, index[start : start + 256], False, random.Random(0))
        out.append(F.normalize(image_embeds(model, batch), dim=-1))
    return torch.cat(out)


@torch.no_grad()
def held_out_retrieval(model: CLIPModel, tokenizer: Tokenizer, photos: list[dict], pixels: np.ndarray, held: list[int]) -> dict:
    """On the held-out photos, judged by their tables (confident keywords, colors excluded):
    text->image precision@10 for the 20 commonest confident keywords as queries (relevant = carries
    the keyword at confidence >= 0.5); image->image precision@10 (a neighbour is relevant when it
    shares a confident keyword with the query photo)."""
    model.eval()
    colors = {name for p in photos for name, _ in p["colors"]}
    tags = [{k for k, c in photos[i]["keywords"] if c >= 0.5 and k not in colors} for i in held]
    images = embed_images(model, pixels, held)
    counts: dict[str, int] = {}
    for t in tags:
        for k in t:
            counts[k] = counts.get(k, 0) + 1
    queries = [k for k, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:20]]
    ids, mask = encode_texts(tokenizer, queries)
    texts = F.normalize(text_embeds(model, ids, mask), dim=-1)
    text_p = []
    for q, vector in zip(queries, texts):
        best = (images @ vector).topk(10).indices.tolist()
        text_p.append(sum(q in tags[j] for j in best) / 10)
    sims = images @ images.t()
    sims.fill_diagonal_(-2)
    neighbours = sims.topk(10, dim=1).indices.tolist()
    image_p = [sum(bool(tags[j] & tags[i]) for j in row) / 10 for i, row in enumerate(neighbours) if tags[i]]
    model.train()
    return {"text_p@10": float(np.mean(text_p)), "image_p@10": float(np.mean(image_p)), "queries": len(queries)}


def main(argv: list[str]) -> None:
    args = parse_args(argv)
    data = Path(args.data)
    if not (data / "pixels.u8").is_file() or not (data / "photos.jsonl").is_file():
        fail(f"{data} is not a training set (pixels.u8 and photos.jsonl); make one with `pixrank model train-world`")
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    np.random.seed(args.seed)

    photos = [json.loads(line) for line in (data / "photos.jsonl").read_text().splitlines() if line]
    pixels = np.memmap(data / "pixels.u8", dtype=np.uint8, mode="r").reshape(len(photos), 224, 224, 3)
    tokenizer = Tokenizer.from_file(str(Path(args.tokenizer) / "tokenizer.json"))
    order = list(range(len(photos)))
    rng.shuffle(order)
    held_count = int(len(order) * args.held_out)
    held, train = sorted(order[:held_count]), order[held_count:]
    log(f"{len(photos)} photos: {len(train)} to train, {len(held)} held out; torch {torch.__version__}, {torch.get_num_threads()} threads")

    model = build_model(args)
    if not args.random_patch_init:
        grating_patch_init(model)
    params = sum(p.numel() for p in model.parameters())
    log(f"CLIPModel: text {args.text_width}x{args.text_layers}, vision {args.vision_width}x{args.vision_layers}, projection {args.projection}: {params / 1e6:.2f}M parameters")
    color_words = {name for p in photos for name, _ in p["colors"]}
    keyword_targets = KeywordTargets(photos, color_words)
    keyword_head = torch.nn.Linear(args.projection, len(keyword_targets.vocabulary))
    decay = [p for n, p in model.named_parameters() if p.ndim >= 2 and "embedding" not in n] + [keyword_head.weight]
    no_decay = [p for n, p in model.named_parameters() if not (p.ndim >= 2 and "embedding" not in n)] + [keyword_head.bias]
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}], lr=args.lr)
    steps_per_epoch = max(1, len(train) // args.batch)
    total = steps_per_epoch * args.epochs
    warmup = min(200, total // 10)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: (s + 1) / warmup if s < warmup else 0.5 * (1 + math.cos(math.pi * (s - warmup) / max(1, total - warmup))))
    translations_file = data / "translations.json"
    translations = json.loads(translations_file.read_text()) if translations_file.is_file() else None
    if translations:
        log(f"captions: {TRANSLATE_SHARE:.0%} translated with {len(translations)} words of translations.json")
    captions = [Captions(p, rng, translations) for p in photos]

    curve, checks = [], []
    started = time.time()
    step = 0
    model.train()
    for epoch in range(args.epochs):
        rng.shuffle(train)
        losses = []
        for b in range(steps_per_epoch):
            index = train[b * args.batch : (b + 1) * args.batch]
            drawn = [captions[i].draw() for i in index]
            decolor = [hides_color(facts, color_words, rng) for _, facts in drawn]
            matches = caption_targets(drawn, [captions[i] for i in index], decolor, color_words)
            ids, mask = encode_texts(tokenizer, [text for text, _ in drawn])
            images = image_embeds(model, pixel_batch(pixels, index, True, rng, decolor))
            loss = contrastive_loss(images, text_embeds(model, ids, mask), model.logit_scale, matches)
            if args.keyword_loss > 0:
                loss = loss + args.keyword_loss * keyword_targets.loss(keyword_head(images), index, decolor)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_([*model.parameters(), *keyword_head.parameters()], 1.0)
            optimizer.step()
            schedule.step()
            step += 1
            losses.append(loss.item())
        mean_loss = float(np.mean(losses))
        curve.append({"epoch": epoch + 1, "step": step, "loss": round(mean_loss, 4), "temperature": round(model.logit_scale.exp().item(), 2), "seconds": round(time.time() - started, 1)})
        line = f"epoch {epoch + 1}/{args.epochs} step {step}: loss {mean_loss:.4f}, logit scale {model.logit_scale.exp().item():.1f}, {time.time() - started:.0f} s"
        if (epoch + 1) % args.check_every == 0 or epoch + 1 == args.epochs:
            check = held_out_retrieval(model, tokenizer, photos, pixels, held)
            checks.append({"epoch": epoch + 1, **check})
            line += f"; held out: text->image p@10 {check['text_p@10']:.3f}, image->image p@10 {check['image_p@10']:.3f}"
        log(line)

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    model.eval().save_pretrained(str(out))
    for name in ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"):
        if (Path(args.tokenizer) / name).is_file():
            shutil.copyfile(Path(args.tokenizer) / name, out / name)
    summary = {
        "out": str(out.resolve()),
        "photos": len(photos), "trained_on": len(train), "held_out": len(held),
        "parameters": params, "steps": step, "epochs": args.epochs, "batch": args.batch, "lr": args.lr, "seed": args.seed,
        "translated_captions": TRANSLATE_SHARE if translations else 0,
        "keyword_loss": args.keyword_loss, "patch_init": "random" if args.random_patch_init else "gratings", "keyword_vocabulary": len(keyword_targets.vocabulary),
        "seconds": round(time.time() - started, 1), "threads": torch.get_num_threads(),
        "sizes": {"text_width": args.text_width, "text_layers": args.text_layers, "vision_width": args.vision_width,
                  "vision_layers": args.vision_layers, "projection": args.projection, "patch": 32, "image": 224},
        "final": checks[-1] if checks else None, "curve": curve, "checks": checks,
    }
    (out / "training.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(json.dumps({k: v for k, v in summary.items() if k not in ("curve", "checks")}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
