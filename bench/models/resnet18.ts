/**
 * ResNet-18 (He et al. 2015; torchvision's layout and parameter names) at ImageNet size: the
 * "ResNet-18-sized model" of the benchmark targets. Used by `npm run bench -- --resnet18` only: at
 * ~1.8 GFLOP per forward it takes minutes in eager mode on wasm.
 *
 *   stem:    conv7x7(3 -> 64, stride 2) + BN + ReLU, 3x3 max-pool stride 2     [N, 64, 56, 56]
 *   layer1-4: two BasicBlocks each, widths 64, 128, 256, 512, stride 2 from layer2 on
 *   head:    global average pool, Linear(512 -> 1000)
 */
import { nn, F, type Tensor } from "tandem";
// The example's block is torchvision's BasicBlock, parameter names included.
import { BasicBlock } from "../../assets/examples/resnet_cnn";

export default class ResNet18 extends nn.Module {
  conv1 = new nn.Conv2d(3, 64, 7, { stride: 2, padding: 3, bias: false });
  bn1 = new nn.BatchNorm2d(64);
  maxpool = new nn.MaxPool2d(3, { stride: 2, padding: 1 });
  layer1 = new nn.Sequential(new BasicBlock(64, 64), new BasicBlock(64, 64));
  layer2 = new nn.Sequential(new BasicBlock(64, 128, 2), new BasicBlock(128, 128));
  layer3 = new nn.Sequential(new BasicBlock(128, 256, 2), new BasicBlock(256, 256));
  layer4 = new nn.Sequential(new BasicBlock(256, 512, 2), new BasicBlock(512, 512));
  fc = new nn.Linear(512, 1000);

  override forward(x: Tensor): Tensor {
    x = this.maxpool(F.relu(this.bn1(this.conv1(x))));
    x = this.layer4(this.layer3(this.layer2(this.layer1(x))));
    return this.fc(F.adaptive_avg_pool2d(x, 1).flatten(1));
  }
}

export const inputs = { x: [1, 3, 224, 224] };
