"""ONNX export of the StyleGAN2 generator and discriminator with the interface the toolkit imports:
the generator maps z (or w) and optionally the per-layer noise maps to an image, the
discriminator maps an image to a logit. Shared by convert_stylegan2.py (rosinality .pt) and
convert_stylegan2_pkl.py (NVIDIA .pkl), so both routes write the same graphs."""

import torch
from torch import nn

from .onnx_export import export


class LatentToImage(nn.Module):
    """The exported generator's interface: z or w in, optionally the noise maps in, image out;
    with w_output also the mapping network's w (path-length regularisation differentiates the
    image with respect to it)."""

    def __init__(self, g, from_w, noise_inputs, w_output=False):
        super().__init__()
        self.g, self.from_w, self.noise_inputs, self.w_output = g, from_w, noise_inputs, w_output

    def forward(self, latent, *noise):
        if self.noise_inputs:
            for i, n in enumerate(noise):
                setattr(self.g.noises, "noise_%d" % i, n)
        if not self.w_output:
            return self.g(latent, input_is_latent=self.from_w)
        w = latent if self.from_w else self.g.style(latent)
        return self.g(w, input_is_latent=True), w


def export_generator(g, path, input_kind="z", noise_inputs=False, fused=False, batch=2, opset=17, w_output=False):
    """Writes g (a stylegan2.Generator) to `path`; returns the graph's input names. Unfused
    generators get a dynamic batch axis (a fused one has the example batch baked in). No constant
    folding and one initializer per parameter, so the checkpoint's tensors stay trainable by name."""
    wrapper = LatentToImage(g, input_kind == "w", noise_inputs, w_output).eval()
    latent = torch.randn(batch, g.style_dim)
    noise = [getattr(g.noises, "noise_%d" % i).clone() for i in range(g.num_layers)] if noise_inputs else []
    names = [input_kind] + ["noise_%d" % i for i in range(len(noise))]
    export(wrapper, [latent] + noise, path, names, ["image", "w"] if w_output else ["image"], opset,
           dynamic_batch=not fused,
           constant_folding=False, distinct_parameters=True)
    return names


def export_discriminator(d, path, size, batch=2, opset=17):
    """Writes d (a stylegan2.Discriminator) to `path`, image -> logit, dynamic batch. The example
    batch is a multiple of the minibatch-stddev group (4)."""
    x = torch.randn(max(batch, 4) // 4 * 4, 3, size, size)
    export(d, [x], path, ["image"], ["logit"], opset, constant_folding=False, distinct_parameters=True)
