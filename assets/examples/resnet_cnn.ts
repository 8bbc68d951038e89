/**
 * A small ResNet for 32x32 colour images (CIFAR-10 style), after He et al., "Deep Residual
 * Learning for Image Recognition" (2015).
 *
 *   stem:   conv3x3(3 -> 12) + BatchNorm + ReLU, then 2x2 max-pool          [N, 12, 16, 16]
 *   layer1: BasicBlock(12 -> 12, stride 1)                                   [N, 12, 16, 16]
 *   layer2: BasicBlock(12 -> 24, stride 2), 1x1 conv + BN shortcut           [N, 24,  8,  8]
 *   layer3: BasicBlock(24 -> 48, stride 2), 1x1 conv + BN shortcut           [N, 48,  4,  4]
 *   head:   global average pool, flatten, Linear(48 -> 10)                  [N, 10]
 *
 * Each stage halves the resolution and doubles the width. The base width is 12 to keep the model
 * (45k parameters) quick on a CPU; width=16 gives the channel counts of the CIFAR ResNets in the paper.
 *
 * Convolutions that feed a BatchNorm have no bias (the norm's shift makes it redundant), as in
 * torchvision. Parameter and buffer names follow torchvision's ResNet (conv1, bn1, layer1.conv1,
 * layer2.downsample.0, ...), so a PyTorch state_dict of the same architecture loads unchanged.
 * BatchNorm uses its running statistics: Tandem runs models in eval mode.
 */
import { nn, F, type Tensor } from "tandem";

/** 3x3 convolution with padding 1: keeps the spatial size at stride 1, halves it at stride 2. */
function conv3x3(inChannels: number, outChannels: number, stride = 1): nn.Conv2d {
  return new nn.Conv2d(inChannels, outChannels, 3, { stride, padding: 1, bias: false });
}

/** Two 3x3 conv-BN layers with an identity (or projected) shortcut: relu(F(x) + shortcut(x)); ResNet-18 reuses it. */
export class BasicBlock extends nn.Module {
  conv1: nn.Conv2d;
  bn1: nn.BatchNorm2d;
  conv2: nn.Conv2d;
  bn2: nn.BatchNorm2d;
  /** Projects the input when the block changes resolution or width; null means the identity. */
  downsample: nn.Sequential | null;

  constructor(inChannels: number, outChannels: number, stride = 1) {
    super();
    this.conv1 = conv3x3(inChannels, outChannels, stride);
    this.bn1 = new nn.BatchNorm2d(outChannels);
    this.conv2 = conv3x3(outChannels, outChannels);
    this.bn2 = new nn.BatchNorm2d(outChannels);
    this.downsample =
      stride !== 1 || inChannels !== outChannels
        ? new nn.Sequential(
            new nn.Conv2d(inChannels, outChannels, 1, { stride, bias: false }),
            new nn.BatchNorm2d(outChannels),
          )
        : null;
  }

  override forward(x: Tensor): Tensor {
    // The shortcut: the input itself, or its projection to the new shape.
    const identity = this.downsample ? this.downsample(x) : x;
    let out = F.relu(this.bn1(this.conv1(x)));
    out = this.bn2(this.conv2(out));
    return F.relu(out.add(identity));
  }
}

export default class ResNetCNN extends nn.Module {
  conv1: nn.Conv2d;
  bn1: nn.BatchNorm2d;
  relu: nn.ReLU;
  maxpool: nn.MaxPool2d;
  layer1: BasicBlock;
  layer2: BasicBlock;
  layer3: BasicBlock;
  avgpool: nn.AdaptiveAvgPool2d;
  fc: nn.Linear;

  constructor(numClasses = 10, width = 12) {
    super();
    this.conv1 = conv3x3(3, width);
    this.bn1 = new nn.BatchNorm2d(width);
    this.relu = new nn.ReLU();
    this.maxpool = new nn.MaxPool2d(2);
    this.layer1 = new BasicBlock(width, width);
    this.layer2 = new BasicBlock(width, 2 * width, 2);
    this.layer3 = new BasicBlock(2 * width, 4 * width, 2);
    this.avgpool = new nn.AdaptiveAvgPool2d(1);
    this.fc = new nn.Linear(4 * width, numClasses);
  }

  override forward(x: Tensor): Tensor {
    x = this.maxpool(this.relu(this.bn1(this.conv1(x)))); // [N, 12, 16, 16]
    x = this.layer1(x); // [N, 12, 16, 16]
    x = this.layer2(x); // [N, 24, 8, 8]
    x = this.layer3(x); // [N, 48, 4, 4]
    x = this.avgpool(x).flatten(1); // [N, 48]
    return this.fc(x); // [N, 10] logits
  }
}

/** A batch of 4 RGB images, 32x32, NCHW as in PyTorch. */
export const inputs = {
  x: [4, 3, 32, 32],
};
