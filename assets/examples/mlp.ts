/**
 * A multi-layer perceptron for MNIST-style digit classification: 784 -> 256 -> 128 -> 10.
 *
 * The classic first model: each 28x28 grayscale image is flattened to 784 pixels and passed
 * through two hidden layers with ReLU activations and dropout, then a linear layer that
 * produces one logit per digit class. The output is raw logits (no softmax): apply
 * `F.log_softmax(logits, -1)` or `logits.argmax(-1)` downstream, as you would in PyTorch.
 *
 * Parameter names (fc1.weight, fc1.bias, ...) match the PyTorch module of the same shape, so a
 * `state_dict` saved from PyTorch loads directly with `load_state_dict`.
 */
import { nn, F, type Tensor } from "tandem";

export default class MLP extends nn.Module {
  fc1: nn.Linear;
  fc2: nn.Linear;
  fc3: nn.Linear;
  dropout: nn.Dropout;

  constructor(inFeatures = 784, hidden1 = 256, hidden2 = 128, numClasses = 10, dropoutP = 0.2) {
    super();
    this.fc1 = new nn.Linear(inFeatures, hidden1);
    this.fc2 = new nn.Linear(hidden1, hidden2);
    this.fc3 = new nn.Linear(hidden2, numClasses);
    // Dropout is only active in training mode; under eval() (how Tandem runs models) it is the identity.
    this.dropout = new nn.Dropout(dropoutP);
  }

  override forward(x: Tensor): Tensor {
    // Accept either flat vectors [N, 784] or images [N, 1, 28, 28]: flatten everything after the batch dim.
    x = x.flatten(1);
    x = this.dropout(F.relu(this.fc1(x))); // [N, 256]
    x = this.dropout(F.relu(this.fc2(x))); // [N, 128]
    return this.fc3(x); // [N, 10] logits
  }
}

/** A batch of 8 flattened 28x28 images. */
export const inputs = {
  x: [8, 784],
};
