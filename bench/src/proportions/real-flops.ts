// The real pipeline's TFLOP per graph call at batch 1: SANA-Sprint 1.6B at 1024 px,
// DC-AE decode, CLIP ViT-L/14@336, Qwen2.5-0.5B, Gemma-2-2B. The proportional bundle is meant to match these ratios.

/** Graphs whose shares are compared; `propose`/`finish` are fusions of these and are listed apart. */
export const PRIMARY_GRAPHS = [
  "text_encoder",
  "dit_head",
  "dit_tail",
  "vae_decode",
  "vhs_verify",
  "clip_verify",
  "ae_verify",
] as const;

export const FUSED_GRAPHS = ["propose", "finish"] as const;

export const REAL_TFLOP: Readonly<Record<string, number>> = {
  // Gemma-2-2B over ~500 tokens.
  text_encoder: 2.1,
  // DiT layers 0–7.
  dit_head: 1.18,
  // Layers 8–19 (+ final layer): all 20 layers 2.96 − 1.18.
  dit_tail: 1.78,
  // DC-AE decode at 1024 px.
  vae_decode: 8.37,
  // Qwen2.5-0.5B over ~1130 tokens (1024 image tokens), plus the 5.75 GFLOP connector.
  vhs_verify: 0.92,
  // CLIP ViT-L/14@336 0.38 + Qwen over ~680 tokens 0.53.
  clip_verify: 0.91,
  // Qwen over the 32×32 latent's 1024 tokens, like vhs_verify.
  ae_verify: 0.92,
  propose: 1.18 + 0.92,
  finish: 1.78 + 8.37,
};
