"""Cases for the recurrent layers (nn.RNN, nn.LSTM, nn.GRU) and the Transformer encoder and decoder
layers and stacks, with torch's randomly initialised weights loaded into Tandem's modules."""

import torch

from golden_lib import ModSpec, acc_tol, module, rn

GROUP = "recurrent_transformer"

# A recurrence feeds each step's rounding into the next: errors compound over the sequence.
RNN_TOL = acc_tol(0, "float32 matrix products repeated over the time steps; the recurrence carries each step's rounding into the next")
# Attention, layer norm and feed-forward in float32 over two or more layers.
TRANSFORMER_TOL = acc_tol(0, "float32 attention, layer norm and feed-forward products; summation order differs between backends")


def rnn_cases():
    def M(name, ctor, args, kwargs, mk, forward_kwargs=None):
        module(name, ctor, args, kwargs, mk, forward_kwargs=forward_kwargs, tol=RNN_TOL, group=GROUP)

    # nn.RNN
    M("RNN_tanh", "nn.RNN", [4, 5], {}, lambda: [rn(6, 3, 4)])
    M("RNN_relu_two_layers_h0", "nn.RNN", [4, 5], {"num_layers": 2, "nonlinearity": "relu"},
      lambda: [rn(6, 3, 4), rn(2, 3, 5)])
    M("RNN_bidirectional_batch_first", "nn.RNN", [3, 4], {"bidirectional": True, "batch_first": True},
      lambda: [rn(2, 5, 3)])
    M("RNN_unbatched_no_bias", "nn.RNN", [3, 4], {"bias": False}, lambda: [rn(5, 3)])
    # nn.LSTM
    M("LSTM", "nn.LSTM", [4, 5], {}, lambda: [rn(7, 3, 4)])
    M("LSTM_h0_c0", "nn.LSTM", [4, 5], {}, lambda: [rn(6, 2, 4), [rn(1, 2, 5), rn(1, 2, 5)]])
    M("LSTM_two_layers_batch_first", "nn.LSTM", [4, 3], {"num_layers": 2, "batch_first": True, "dropout": 0.5},
      lambda: [rn(3, 6, 4)])
    M("LSTM_bidirectional_two_layers_h0_c0", "nn.LSTM", [3, 4], {"num_layers": 2, "bidirectional": True},
      lambda: [rn(5, 2, 3), [rn(4, 2, 4), rn(4, 2, 4)]])
    M("LSTM_unbatched", "nn.LSTM", [3, 4], {}, lambda: [rn(6, 3)])
    M("LSTM_unbatched_h0_c0_bidirectional", "nn.LSTM", [3, 2], {"bidirectional": True},
      lambda: [rn(4, 3), [rn(2, 2), rn(2, 2)]])
    M("LSTM_no_bias", "nn.LSTM", [4, 3], {"bias": False}, lambda: [rn(5, 2, 4)])
    # nn.GRU
    M("GRU", "nn.GRU", [4, 5], {}, lambda: [rn(7, 3, 4)])
    M("GRU_h0_two_layers", "nn.GRU", [4, 3], {"num_layers": 2}, lambda: [rn(5, 2, 4), rn(2, 2, 3)])
    M("GRU_bidirectional_batch_first", "nn.GRU", [3, 4], {"bidirectional": True, "batch_first": True},
      lambda: [rn(2, 6, 3)])
    M("GRU_unbatched_no_bias", "nn.GRU", [3, 4], {"bias": False}, lambda: [rn(5, 3)])


def cases():
    rnn_cases()
