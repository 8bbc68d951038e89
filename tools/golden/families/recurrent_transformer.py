"""Cases for the recurrent layers (nn.RNN, nn.LSTM, nn.GRU) and the Transformer encoder and decoder
layers and stacks, with torch's randomly initialised weights loaded into Tandem's modules."""

import torch

from golden_lib import ModSpec, module, rn

GROUP = "recurrent_transformer"


def rnn_cases():
    def M(name, ctor, args, kwargs, mk, forward_kwargs=None):
        module(name, ctor, args, kwargs, mk, forward_kwargs=forward_kwargs, group=GROUP)

    # nn.RNN
    M("RNN_tanh", "nn.RNN", [4, 5], {}, lambda: [rn(6, 3, 4)])
    M("RNN_relu_two_layers_h0", "nn.RNN", [4, 5], {"num_layers": 2, "nonlinearity": "relu"},
      lambda: [rn(6, 3, 4), rn(2, 3, 5)])
    M("RNN_bidirectional_batch_first", "nn.RNN", [3, 4], {"bidirectional": True, "batch_first": True},
      lambda: [rn(2, 5, 3)])
    M("RNN_relu_bidirectional_two_layers_batch_first_h0", "nn.RNN", [3, 4],
      {"num_layers": 2, "bidirectional": True, "batch_first": True, "nonlinearity": "relu"},
      lambda: [rn(2, 5, 3), rn(4, 2, 4)])
    M("RNN_unbatched_no_bias", "nn.RNN", [3, 4], {"bias": False}, lambda: [rn(5, 3)])
    # nn.LSTM
    M("LSTM", "nn.LSTM", [4, 5], {}, lambda: [rn(7, 3, 4)])
    M("LSTM_h0_c0", "nn.LSTM", [4, 5], {}, lambda: [rn(6, 2, 4), [rn(1, 2, 5), rn(1, 2, 5)]])
    M("LSTM_two_layers_batch_first", "nn.LSTM", [4, 3], {"num_layers": 2, "batch_first": True, "dropout": 0.5},
      lambda: [rn(3, 6, 4)])
    M("LSTM_bidirectional_two_layers_h0_c0", "nn.LSTM", [3, 4], {"num_layers": 2, "bidirectional": True},
      lambda: [rn(5, 2, 3), [rn(4, 2, 4), rn(4, 2, 4)]])
    M("LSTM_batch_first_h0_c0_one_step", "nn.LSTM", [4, 3], {"batch_first": True},
      lambda: [rn(2, 1, 4), [rn(1, 2, 3), rn(1, 2, 3)]])
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


def causal(n):
    """PyTorch's bool attention mask: True where query i may NOT attend to key j (j > i)."""
    return torch.ones(n, n, dtype=torch.bool).triu(1)


def padding(batch, length, lengths):
    """Key padding mask [batch, length]: True past each sequence's length."""
    return torch.arange(length)[None, :] >= torch.tensor(lengths)[:, None]


def transformer_cases():
    def M(name, ctor, args, kwargs, mk, forward_kwargs=None):
        module(name, ctor, args, kwargs, mk, forward_kwargs=forward_kwargs, group=GROUP)

    small = {"dim_feedforward": 16}
    enc = lambda **kw: ModSpec("nn.TransformerEncoderLayer", [8, 2], {**small, **kw})  # noqa: E731
    dec = lambda **kw: ModSpec("nn.TransformerDecoderLayer", [8, 2], {**small, **kw})  # noqa: E731

    # nn.TransformerEncoderLayer
    M("TransformerEncoderLayer", "nn.TransformerEncoderLayer", [8, 2], small, lambda: [rn(5, 3, 8)])
    M("TransformerEncoderLayer_batch_first_norm_first_gelu_causal", "nn.TransformerEncoderLayer", [8, 2],
      {**small, "batch_first": True, "norm_first": True, "activation": "gelu"},
      lambda: [rn(2, 6, 8)], forward_kwargs=lambda: {"src_mask": causal(6)})
    M("TransformerEncoderLayer_float_mask_and_padding", "nn.TransformerEncoderLayer", [8, 4],
      {**small, "layer_norm_eps": 1e-3},
      lambda: [rn(5, 3, 8)], forward_kwargs=lambda: {"src_mask": rn(5, 5), "src_key_padding_mask": padding(3, 5, [5, 3, 2])})
    M("TransformerEncoderLayer_unbatched", "nn.TransformerEncoderLayer", [8, 2], small, lambda: [rn(4, 8)])
    # nn.TransformerEncoder: deep copies of one layer, then the final norm
    M("TransformerEncoder_norm_masks", "nn.TransformerEncoder", [enc(), 2], {"norm": ModSpec("nn.LayerNorm", [8])},
      lambda: [rn(5, 3, 8)], forward_kwargs=lambda: {"mask": causal(5), "src_key_padding_mask": padding(3, 5, [5, 4, 3])})
    # batch_first with a padding mask: PyTorch's nested-tensor path zeroes padded positions; turned off here.
    M("TransformerEncoder_batch_first_padding", "nn.TransformerEncoder",
      [enc(batch_first=True, activation="gelu"), 3], {"enable_nested_tensor": False},
      lambda: [rn(2, 5, 8)], forward_kwargs=lambda: {"src_key_padding_mask": padding(2, 5, [5, 3])})
    # nn.TransformerDecoderLayer
    M("TransformerDecoderLayer_causal_memory_padding", "nn.TransformerDecoderLayer", [8, 2], small,
      lambda: [rn(4, 2, 8), rn(6, 2, 8)],
      forward_kwargs=lambda: {"tgt_mask": causal(4), "memory_key_padding_mask": padding(2, 6, [6, 4])})
    M("TransformerDecoderLayer_batch_first_norm_first_gelu", "nn.TransformerDecoderLayer", [8, 2],
      {**small, "batch_first": True, "norm_first": True, "activation": "gelu"},
      lambda: [rn(2, 4, 8), rn(2, 6, 8)],
      forward_kwargs=lambda: {"memory_mask": rn(4, 6), "tgt_key_padding_mask": padding(2, 4, [4, 3])})
    # nn.TransformerDecoder
    M("TransformerDecoder_norm_all_masks", "nn.TransformerDecoder", [dec(), 2], {"norm": ModSpec("nn.LayerNorm", [8])},
      lambda: [rn(4, 2, 8), rn(5, 2, 8)],
      forward_kwargs=lambda: {"tgt_mask": causal(4), "memory_mask": rn(4, 5), "tgt_key_padding_mask": padding(2, 4, [4, 2]),
                              "memory_key_padding_mask": padding(2, 5, [5, 3])})
    # nn.Transformer: encoder and decoder stacks with their final norms
    M("Transformer_small", "nn.Transformer", [],
      {"d_model": 8, "nhead": 2, "num_encoder_layers": 2, "num_decoder_layers": 1, "dim_feedforward": 16},
      lambda: [rn(5, 2, 8), rn(4, 2, 8)], forward_kwargs=lambda: {"tgt_mask": causal(4)})
    M("Transformer_batch_first_padding", "nn.Transformer", [],
      {"d_model": 8, "nhead": 2, "num_encoder_layers": 1, "num_decoder_layers": 2, "dim_feedforward": 16,
       "batch_first": True, "norm_first": True},
      lambda: [rn(2, 5, 8), rn(2, 4, 8)],
      forward_kwargs=lambda: {"tgt_mask": causal(4), "memory_key_padding_mask": padding(2, 5, [5, 4])})


def cases():
    rnn_cases()
    transformer_cases()
