/**
 * An LSTM text classifier: token ids -> embedding -> 2-layer LSTM -> linear on the final hidden state.
 *
 *   embedding (vocab 100, d 16)                                [B, T, 16]
 *   nn.LSTM(16 -> 32, 2 layers, batch_first)                  h_n: [2, B, 32]
 *   fc: Linear(32 -> 4) on the top layer's last hidden state  [B, 4] logits
 *
 * The LSTM returns (output, (h_n, c_n)); h_n holds every layer's state after the last time step,
 * and the top layer's (index -1) summarises the whole sequence. Dropout between the LSTM layers
 * only acts in training; Tandem runs models in eval mode. Names follow the PyTorch module written
 * the same way (embedding.weight, lstm.weight_ih_l0, ..., fc.weight), so its state_dict loads.
 */
import { nn, type Tensor } from "tandem";

export default class LSTMClassifier extends nn.Module {
  embedding: nn.Embedding;
  lstm: nn.LSTM;
  fc: nn.Linear;

  constructor(vocabSize = 100, embedDim = 16, hiddenSize = 32, numClasses = 4, numLayers = 2, dropout = 0.1) {
    super();
    this.embedding = new nn.Embedding(vocabSize, embedDim);
    this.lstm = new nn.LSTM(embedDim, hiddenSize, { num_layers: numLayers, batch_first: true, dropout });
    this.fc = new nn.Linear(hiddenSize, numClasses);
  }

  override forward(ids: Tensor): Tensor {
    const embedded = this.embedding(ids); // [B, T, embedDim]
    const [, [hN]] = this.lstm(embedded); // hN: [numLayers, B, hiddenSize]
    return this.fc(hN.select(0, -1)); // the top layer's final state -> [B, numClasses]
  }
}

/** Four sequences of 12 token ids in [0, 100). */
export const inputs = {
  ids: { shape: [4, 12], dtype: "int64", high: 100 },
};
