/**
 * A small UNet for dense prediction on 32x32 images, after Ronneberger et al., "U-Net:
 * Convolutional Networks for Biomedical Image Segmentation" (2015).
 *
 *   enc1:       DoubleConv(3 -> 8)                          [N,  8, 32, 32]  (skip 1)
 *   enc2:       max-pool 2x2, DoubleConv(8 -> 16)            [N, 16, 16, 16]  (skip 2)
 *   bottleneck: max-pool 2x2, DoubleConv(16 -> 32)           [N, 32,  8,  8]
 *   dec2:       upsample 2x, cat skip 2, DoubleConv(48 -> 16) [N, 16, 16, 16]
 *   dec1:       upsample 2x, cat skip 1, DoubleConv(24 -> 8)  [N,  8, 32, 32]
 *   head:       1x1 conv (8 -> 2)                            [N,  2, 32, 32] per-pixel logits
 *
 * A DoubleConv is two rounds of 3x3 conv + GroupNorm + SiLU. GroupNorm normalises each sample on
 * its own, so the model behaves the same at batch size 1 as at any other. The encoder halves the
 * resolution twice; the decoder doubles it back and concatenates, channel-wise, the encoder's
 * features of the same resolution, which carry the fine detail the bottleneck lost.
 *
 * Upsampling is nearest-neighbour 2x: every pixel repeated along height and width, which is what
 * F.interpolate(x, scale_factor=2, mode="nearest") computes in PyTorch.
 */
import { F, nn, cat, type Tensor } from "tandem";

/** (3x3 conv, no bias since the norm shifts anyway -> GroupNorm -> SiLU) twice. */
class DoubleConv extends nn.Module {
  block: nn.Sequential;

  constructor(inChannels: number, outChannels: number, groups = 4) {
    super();
    this.block = new nn.Sequential(
      new nn.Conv2d(inChannels, outChannels, 3, { padding: 1, bias: false }),
      new nn.GroupNorm(groups, outChannels),
      new nn.SiLU(),
      new nn.Conv2d(outChannels, outChannels, 3, { padding: 1, bias: false }),
      new nn.GroupNorm(groups, outChannels),
      new nn.SiLU(),
    );
  }

  override forward(x: Tensor): Tensor {
    return this.block(x);
  }
}

/** Nearest-neighbour 2x upsampling of an NCHW tensor: [N, C, H, W] -> [N, C, 2H, 2W]. */
function upsample2x(x: Tensor): Tensor {
  return F.interpolate(x, { scale_factor: 2, mode: "nearest" });
}

export default class UNet extends nn.Module {
  enc1: DoubleConv;
  enc2: DoubleConv;
  bottleneck: DoubleConv;
  dec2: DoubleConv;
  dec1: DoubleConv;
  pool: nn.MaxPool2d;
  head: nn.Conv2d;

  constructor(inChannels = 3, numClasses = 2, width = 8) {
    super();
    this.enc1 = new DoubleConv(inChannels, width);
    this.enc2 = new DoubleConv(width, 2 * width);
    this.bottleneck = new DoubleConv(2 * width, 4 * width);
    this.dec2 = new DoubleConv(4 * width + 2 * width, 2 * width);
    this.dec1 = new DoubleConv(2 * width + width, width);
    this.pool = new nn.MaxPool2d(2);
    this.head = new nn.Conv2d(width, numClasses, 1);
  }

  override forward(x: Tensor): Tensor {
    const skip1 = this.enc1(x); // [N, 8, 32, 32]
    const skip2 = this.enc2(this.pool(skip1)); // [N, 16, 16, 16]
    let y = this.bottleneck(this.pool(skip2)); // [N, 32, 8, 8]
    y = this.dec2(cat([upsample2x(y), skip2], 1)); // [N, 16, 16, 16]
    y = this.dec1(cat([upsample2x(y), skip1], 1)); // [N, 8, 32, 32]
    return this.head(y); // [N, 2, 32, 32]
  }
}

/** One RGB image, 32x32, NCHW as in PyTorch. */
export const inputs = {
  x: [1, 3, 32, 32],
};
