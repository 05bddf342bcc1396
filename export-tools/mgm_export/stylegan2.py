"""StyleGAN2 generator and discriminator in plain PyTorch (CPU paths only), with the module tree
and state-dict keys of the rosinality/stylegan2-pytorch checkpoints (`g_ema`, `d`), so that those
checkpoints load with strict key checks and export to ONNX with the ops the importer expects.

Equalised learning rate is applied at forward time (weight * scale), as in the original, so an
export without constant folding keeps the trainable tensors exactly as stored in the checkpoint.
`fused=True` modulated convolutions bake the batch size into grouped convolutions; `fused=False`
scales activations instead and exports batch-independent graphs.
"""

import math

import torch
from torch import nn
from torch.nn import functional as F


def blur_kernel_2d(taps, gain=1.0):
    k = torch.tensor(taps, dtype=torch.float32)
    k = k[None, :] * k[:, None]
    return k / k.sum() * gain


def upfirdn2d(x, kernel, up=1, down=1, pad=(0, 0)):
    """Upsample by zero insertion, pad, convolve with a 2-D FIR kernel, downsample; per channel.
    Pads may be negative (crop). Written with reshape/pad/conv2d only, so it exports to ONNX."""
    pad0, pad1 = pad
    batch, channels, h, w = x.shape
    kh, kw = kernel.shape
    out = x.reshape(-1, h, 1, w, 1, 1)
    out = F.pad(out, [0, 0, 0, up - 1, 0, 0, 0, up - 1])
    out = out.reshape(-1, h * up, w * up, 1)
    out = F.pad(out, [0, 0, max(pad0, 0), max(pad1, 0), max(pad0, 0), max(pad1, 0)])
    out = out[:, max(-pad0, 0): out.shape[1] - max(-pad1, 0), max(-pad0, 0): out.shape[2] - max(-pad1, 0), :]
    out = out.permute(0, 3, 1, 2)
    out = out.reshape(-1, 1, h * up + pad0 + pad1, w * up + pad0 + pad1)
    out = F.conv2d(out, torch.flip(kernel, [0, 1]).view(1, 1, kh, kw))
    out = out.reshape(-1, 1, h * up + pad0 + pad1 - kh + 1, w * up + pad0 + pad1 - kw + 1)
    out = out.permute(0, 2, 3, 1)[:, ::down, ::down, :]
    oh = (h * up + pad0 + pad1 - kh) // down + 1
    ow = (w * up + pad0 + pad1 - kw) // down + 1
    return out.reshape(batch, channels, oh, ow)


class Blur(nn.Module):
    def __init__(self, taps, pad, upsample_factor=1):
        super().__init__()
        self.register_buffer("kernel", blur_kernel_2d(taps, upsample_factor ** 2))
        self.pad = pad

    def forward(self, x):
        return upfirdn2d(x, self.kernel, pad=self.pad)


class Upsample(nn.Module):
    def __init__(self, taps, factor=2):
        super().__init__()
        self.factor = factor
        self.register_buffer("kernel", blur_kernel_2d(taps, factor ** 2))
        p = len(taps) - factor
        self.pad = ((p + 1) // 2 + factor - 1, p // 2)

    def forward(self, x):
        return upfirdn2d(x, self.kernel, up=self.factor, pad=self.pad)


class PixelNorm(nn.Module):
    def forward(self, x):
        return x * torch.rsqrt(torch.mean(x ** 2, dim=1, keepdim=True) + 1e-8)


def fused_leaky_relu(x, bias, slope=0.2, gain=math.sqrt(2)):
    shape = [1, bias.shape[0]] + [1] * (x.ndim - 2)
    return F.leaky_relu(x + bias.view(*shape), slope) * gain


class FusedLeakyReLU(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.bias = nn.Parameter(torch.zeros(channels))

    def forward(self, x):
        return fused_leaky_relu(x, self.bias)


class EqualLinear(nn.Module):
    def __init__(self, in_dim, out_dim, bias_init=0.0, lr_mul=1.0, activation=None):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(out_dim, in_dim) / lr_mul)
        self.bias = nn.Parameter(torch.full((out_dim,), float(bias_init)))
        self.scale = lr_mul / math.sqrt(in_dim)
        self.lr_mul = lr_mul
        self.activation = activation

    def forward(self, x):
        if self.activation:
            return fused_leaky_relu(F.linear(x, self.weight * self.scale), self.bias * self.lr_mul)
        return F.linear(x, self.weight * self.scale, self.bias * self.lr_mul)


class EqualConv2d(nn.Module):
    def __init__(self, in_ch, out_ch, k, stride=1, padding=0, bias=True):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(out_ch, in_ch, k, k))
        self.scale = 1 / math.sqrt(in_ch * k * k)
        self.stride, self.padding = stride, padding
        self.bias = nn.Parameter(torch.zeros(out_ch)) if bias else None

    def forward(self, x):
        return F.conv2d(x, self.weight * self.scale, self.bias, self.stride, self.padding)


class ModulatedConv2d(nn.Module):
    """Per-sample style scaling of the input channels, optional demodulation, optional x2 upsampling
    (transposed conv + blur)."""

    def __init__(self, in_ch, out_ch, k, style_dim, demodulate=True, upsample=False, taps=(1, 3, 3, 1), fused=True):
        super().__init__()
        self.in_ch, self.out_ch, self.k = in_ch, out_ch, k
        self.demodulate, self.upsample, self.fused = demodulate, upsample, fused
        self.weight = nn.Parameter(torch.randn(1, out_ch, in_ch, k, k))
        self.scale = 1 / math.sqrt(in_ch * k * k)
        self.padding = k // 2
        self.modulation = EqualLinear(style_dim, in_ch, bias_init=1)
        if upsample:
            p = (len(taps) - 2) - (k - 1)
            self.blur = Blur(list(taps), pad=((p + 1) // 2 + 1, p // 2 + 1), upsample_factor=2)

    def forward(self, x, style):
        batch, _, h, w = x.shape
        s = self.modulation(style)
        if not self.fused:
            weight = self.scale * self.weight.squeeze(0)
            x = x * s.reshape(batch, self.in_ch, 1, 1)
            if self.upsample:
                out = self.blur(F.conv_transpose2d(x, weight.transpose(0, 1), padding=0, stride=2))
            else:
                out = F.conv2d(x, weight, padding=self.padding)
            if self.demodulate:
                w_mod = weight.unsqueeze(0) * s.view(batch, 1, self.in_ch, 1, 1)
                out = out * torch.rsqrt(w_mod.pow(2).sum([2, 3, 4]) + 1e-8).view(batch, -1, 1, 1)
            return out
        weight = self.scale * self.weight * s.view(batch, 1, self.in_ch, 1, 1)
        if self.demodulate:
            weight = weight * torch.rsqrt(weight.pow(2).sum([2, 3, 4]) + 1e-8).view(batch, self.out_ch, 1, 1, 1)
        if self.upsample:
            weight = weight.view(batch, self.out_ch, self.in_ch, self.k, self.k).transpose(1, 2)
            weight = weight.reshape(batch * self.in_ch, self.out_ch, self.k, self.k)
            out = F.conv_transpose2d(x.view(1, batch * self.in_ch, h, w), weight, padding=0, stride=2, groups=batch)
            out = self.blur(out.view(batch, self.out_ch, out.shape[2], out.shape[3]))
        else:
            weight = weight.view(batch * self.out_ch, self.in_ch, self.k, self.k)
            out = F.conv2d(x.view(1, batch * self.in_ch, h, w), weight, padding=self.padding, groups=batch)
            out = out.view(batch, self.out_ch, out.shape[2], out.shape[3])
        return out


class NoiseInjection(nn.Module):
    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(1))

    def forward(self, image, noise):
        return image + self.weight * noise


class StyledConv(nn.Module):
    def __init__(self, in_ch, out_ch, k, style_dim, upsample=False, fused=True):
        super().__init__()
        self.conv = ModulatedConv2d(in_ch, out_ch, k, style_dim, upsample=upsample, fused=fused)
        self.noise = NoiseInjection()
        self.activate = FusedLeakyReLU(out_ch)

    def forward(self, x, style, noise):
        return self.activate(self.noise(self.conv(x, style), noise))


class ToRGB(nn.Module):
    def __init__(self, in_ch, style_dim, upsample=True, fused=True):
        super().__init__()
        if upsample:
            self.upsample = Upsample([1, 3, 3, 1])
        self.conv = ModulatedConv2d(in_ch, 3, 1, style_dim, demodulate=False, fused=fused)
        self.bias = nn.Parameter(torch.zeros(1, 3, 1, 1))

    def forward(self, x, style, skip=None):
        out = self.conv(x, style) + self.bias
        if skip is not None:
            out = out + self.upsample(skip)
        return out


class ConstantInput(nn.Module):
    def __init__(self, channels, size=4):
        super().__init__()
        self.input = nn.Parameter(torch.randn(1, channels, size, size))

    def forward(self, latent):
        return self.input.repeat(latent.shape[0], 1, 1, 1)


def default_channels(channel_multiplier=2):
    m = channel_multiplier
    return {4: 512, 8: 512, 16: 512, 32: 512, 64: 256 * m, 128: 128 * m, 256: 64 * m, 512: 32 * m, 1024: 16 * m}


class Generator(nn.Module):
    def __init__(self, size, style_dim=512, n_mlp=8, channel_multiplier=2, lr_mlp=0.01, channels=None, fused=True):
        super().__init__()
        self.size, self.style_dim = size, style_dim
        ch = channels or default_channels(channel_multiplier)
        self.style = nn.Sequential(PixelNorm(), *[EqualLinear(style_dim, style_dim, lr_mul=lr_mlp, activation="fused_lrelu")
                                                  for _ in range(n_mlp)])
        self.input = ConstantInput(ch[4])
        self.conv1 = StyledConv(ch[4], ch[4], 3, style_dim, fused=fused)
        self.to_rgb1 = ToRGB(ch[4], style_dim, upsample=False, fused=fused)
        self.log_size = int(math.log2(size))
        self.num_layers = (self.log_size - 2) * 2 + 1
        self.n_latent = self.log_size * 2 - 2
        self.convs, self.to_rgbs, self.noises = nn.ModuleList(), nn.ModuleList(), nn.Module()
        for i in range(self.num_layers):
            res = (i + 5) // 2
            self.noises.register_buffer("noise_%d" % i, torch.randn(1, 1, 2 ** res, 2 ** res))
        in_ch = ch[4]
        for i in range(3, self.log_size + 1):
            out_ch = ch[2 ** i]
            self.convs.append(StyledConv(in_ch, out_ch, 3, style_dim, upsample=True, fused=fused))
            self.convs.append(StyledConv(out_ch, out_ch, 3, style_dim, fused=fused))
            self.to_rgbs.append(ToRGB(out_ch, style_dim, fused=fused))
            in_ch = out_ch

    def forward(self, z, input_is_latent=False):
        """z -> image with the stored noise buffers (randomize_noise=False), no style mixing."""
        w = z if input_is_latent else self.style(z)
        latent = w.unsqueeze(1).repeat(1, self.n_latent, 1)
        noise = [getattr(self.noises, "noise_%d" % i) for i in range(self.num_layers)]
        out = self.conv1(self.input(latent), latent[:, 0], noise[0])
        skip = self.to_rgb1(out, latent[:, 1])
        i = 1
        for conv1, conv2, n1, n2, to_rgb in zip(self.convs[::2], self.convs[1::2], noise[1::2], noise[2::2], self.to_rgbs):
            out = conv1(out, latent[:, i], n1)
            out = conv2(out, latent[:, i + 1], n2)
            skip = to_rgb(out, latent[:, i + 2], skip)
            i += 2
        return skip


class ConvLayer(nn.Sequential):
    def __init__(self, in_ch, out_ch, k, downsample=False, bias=True, activate=True):
        layers = []
        if downsample:
            p = (4 - 2) + (k - 1)
            layers.append(Blur([1, 3, 3, 1], pad=((p + 1) // 2, p // 2)))
            stride, padding = 2, 0
        else:
            stride, padding = 1, k // 2
        layers.append(EqualConv2d(in_ch, out_ch, k, stride=stride, padding=padding, bias=bias and not activate))
        if activate:
            layers.append(FusedLeakyReLU(out_ch))
        super().__init__(*layers)


class ResBlock(nn.Module):
    def __init__(self, in_ch, out_ch):
        super().__init__()
        self.conv1 = ConvLayer(in_ch, in_ch, 3)
        self.conv2 = ConvLayer(in_ch, out_ch, 3, downsample=True)
        self.skip = ConvLayer(in_ch, out_ch, 1, downsample=True, activate=False, bias=False)

    def forward(self, x):
        return (self.conv2(self.conv1(x)) + self.skip(x)) / math.sqrt(2)


class Discriminator(nn.Module):
    def __init__(self, size, channel_multiplier=2, channels=None):
        super().__init__()
        ch = channels or default_channels(channel_multiplier)
        log_size = int(math.log2(size))
        convs = [ConvLayer(3, ch[size], 1)]
        in_ch = ch[size]
        for i in range(log_size, 2, -1):
            convs.append(ResBlock(in_ch, ch[2 ** (i - 1)]))
            in_ch = ch[2 ** (i - 1)]
        self.convs = nn.Sequential(*convs)
        self.stddev_group, self.stddev_feat = 4, 1
        self.final_conv = ConvLayer(in_ch + 1, ch[4], 3)
        self.final_linear = nn.Sequential(EqualLinear(ch[4] * 4 * 4, ch[4], activation="fused_lrelu"), EqualLinear(ch[4], 1))

    def forward(self, x):
        out = self.convs(x)
        batch, channel, height, width = out.shape
        group = min(batch, self.stddev_group)
        std = out.view(group, -1, self.stddev_feat, channel // self.stddev_feat, height, width)
        std = torch.sqrt(std.var(0, unbiased=False) + 1e-8)
        std = std.mean([2, 3, 4], keepdim=True).squeeze(2).repeat(group, 1, height, width)
        out = self.final_conv(torch.cat([out, std], 1))
        return self.final_linear(out.view(batch, -1))


TINY_CHANNELS = {4: 16, 8: 16, 16: 8, 32: 8}


def tiny_generator(fused=False):
    return Generator(16, style_dim=16, n_mlp=2, channels=TINY_CHANNELS, fused=fused)


def tiny_discriminator():
    return Discriminator(16, channels=TINY_CHANNELS)
