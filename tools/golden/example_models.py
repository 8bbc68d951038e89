"""The example models of assets/examples/*.ts, written again in PyTorch: same module and parameter
names, same structure, same defaults, so each state_dict's keys are exactly the TypeScript model's.

Used by tools/golden/make_example_fixtures.py (parity fixtures) and bench/torch_peer.py (the
PyTorch peer in `npm run bench`).
"""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class MLP(nn.Module):
    """assets/examples/mlp.ts"""

    def __init__(self, in_features=784, hidden1=256, hidden2=128, num_classes=10, dropout_p=0.2):
        super().__init__()
        self.fc1 = nn.Linear(in_features, hidden1)
        self.fc2 = nn.Linear(hidden1, hidden2)
        self.fc3 = nn.Linear(hidden2, num_classes)
        self.dropout = nn.Dropout(dropout_p)

    def forward(self, x):
        x = x.flatten(1)
        x = self.dropout(F.relu(self.fc1(x)))
        x = self.dropout(F.relu(self.fc2(x)))
        return self.fc3(x)


def conv3x3(in_channels, out_channels, stride=1):
    return nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1, bias=False)


class BasicBlock(nn.Module):
    def __init__(self, in_channels, out_channels, stride=1):
        super().__init__()
        self.conv1 = conv3x3(in_channels, out_channels, stride)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = conv3x3(out_channels, out_channels)
        self.bn2 = nn.BatchNorm2d(out_channels)
        if stride != 1 or in_channels != out_channels:
            self.downsample = nn.Sequential(
                nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False),
                nn.BatchNorm2d(out_channels),
            )
        else:
            self.downsample = None

    def forward(self, x):
        identity = self.downsample(x) if self.downsample is not None else x
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + identity)


class ResNetCNN(nn.Module):
    """assets/examples/resnet_cnn.ts"""

    def __init__(self, num_classes=10, width=12):
        super().__init__()
        self.conv1 = conv3x3(3, width)
        self.bn1 = nn.BatchNorm2d(width)
        self.relu = nn.ReLU()
        self.maxpool = nn.MaxPool2d(2)
        self.layer1 = BasicBlock(width, width)
        self.layer2 = BasicBlock(width, 2 * width, 2)
        self.layer3 = BasicBlock(2 * width, 4 * width, 2)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(4 * width, num_classes)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer3(self.layer2(self.layer1(x)))
        x = self.avgpool(x).flatten(1)
        return self.fc(x)


class TransformerBlock(nn.Module):
    """assets/examples/transformer_block.ts"""

    def __init__(self, vocab_size=1000, d_model=64, num_heads=4, mlp_ratio=4, max_len=64):
        super().__init__()
        self.max_len = max_len
        self.tok_emb = nn.Embedding(vocab_size, d_model)
        self.pos_emb = nn.Embedding(max_len, d_model)
        self.ln1 = nn.LayerNorm(d_model)
        self.attn = nn.MultiheadAttention(d_model, num_heads, batch_first=True)
        self.ln2 = nn.LayerNorm(d_model)
        self.mlp = nn.Sequential(
            nn.Linear(d_model, mlp_ratio * d_model),
            nn.GELU(),
            nn.Linear(mlp_ratio * d_model, d_model),
        )
        self.ln_f = nn.LayerNorm(d_model)
        self.head = nn.Linear(d_model, vocab_size)

    def forward(self, ids):
        t = ids.size(1)
        pos = torch.arange(t, device=ids.device)
        x = self.tok_emb(ids) + self.pos_emb(pos)
        h = self.ln1(x)
        attn_out, _ = self.attn(h, h, h, need_weights=False)
        x = x + attn_out
        x = x + self.mlp(self.ln2(x))
        return self.head(self.ln_f(x))


class ResidualMLPBlock(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.norm = nn.LayerNorm(dim)
        self.fc1 = nn.Linear(dim, hidden)
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        return self.fc2(F.gelu(self.fc1(self.norm(x))))


class ResidualMLPStack(nn.Module):
    """assets/examples/module_list.ts"""

    def __init__(self, dim=32, hidden=64, depth=4, out_features=10):
        super().__init__()
        self.blocks = nn.ModuleList([ResidualMLPBlock(dim, hidden) for _ in range(depth)])
        self.norm = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, out_features)

    def forward(self, x):
        for block in self.blocks:
            x = x + block(x)
        return self.head(self.norm(x))


class BranchingNet(nn.Module):
    """assets/examples/branching.ts"""

    def __init__(self, in_features=16, hidden=32, out_features=8, threshold=0.0):
        super().__init__()
        self.encoder = nn.Linear(in_features, hidden)
        self.deep1 = nn.Linear(hidden, hidden)
        self.deep2 = nn.Linear(hidden, out_features)
        self.shallow = nn.Linear(hidden, out_features)
        self.threshold = threshold
        self.last_branch = None

    def forward(self, x):
        h = F.relu(self.encoder(x))
        gate = x.mean().item()
        if gate > self.threshold:
            self.last_branch = "deep"
            return self.deep2(F.relu(self.deep1(h)))
        self.last_branch = "shallow"
        return self.shallow(h)


class CausalSelfAttention(nn.Module):
    def __init__(self, n_embd, n_head, block_size, dropout):
        super().__init__()
        self.n_head = n_head
        self.n_embd = n_embd
        self.c_attn = nn.Linear(n_embd, 3 * n_embd)
        self.c_proj = nn.Linear(n_embd, n_embd)
        self.attn_dropout = nn.Dropout(dropout)
        self.resid_dropout = nn.Dropout(dropout)
        self.register_buffer("mask", torch.tril(torch.ones(block_size, block_size)).view(1, 1, block_size, block_size))

    def forward(self, x):
        B, T, C = x.size()
        hs = C // self.n_head
        q, k, v = self.c_attn(x).split(self.n_embd, dim=2)
        q = q.view(B, T, self.n_head, hs).transpose(1, 2)
        k = k.view(B, T, self.n_head, hs).transpose(1, 2)
        v = v.view(B, T, self.n_head, hs).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(hs))
        att = att.masked_fill(self.mask[:, :, :T, :T] == 0, float("-inf")).softmax(-1)
        att = self.attn_dropout(att)
        y = (att @ v).transpose(1, 2).contiguous().view(B, T, C)
        return self.resid_dropout(self.c_proj(y))


class GPTMLP(nn.Module):
    def __init__(self, n_embd, dropout):
        super().__init__()
        self.c_fc = nn.Linear(n_embd, 4 * n_embd)
        self.gelu = nn.GELU()
        self.c_proj = nn.Linear(4 * n_embd, n_embd)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x):
        return self.dropout(self.c_proj(self.gelu(self.c_fc(x))))


class GPTBlock(nn.Module):
    def __init__(self, n_embd, n_head, block_size, dropout):
        super().__init__()
        self.ln_1 = nn.LayerNorm(n_embd)
        self.attn = CausalSelfAttention(n_embd, n_head, block_size, dropout)
        self.ln_2 = nn.LayerNorm(n_embd)
        self.mlp = GPTMLP(n_embd, dropout)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class GPT(nn.Module):
    """assets/examples/gpt.ts (nanoGPT's layout, lm_head tied to wte)"""

    def __init__(self, vocab_size=64, block_size=16, n_layer=2, n_head=2, n_embd=32, dropout=0.1):
        super().__init__()
        self.block_size = block_size
        self.wte = nn.Embedding(vocab_size, n_embd)
        self.wpe = nn.Embedding(block_size, n_embd)
        self.drop = nn.Dropout(dropout)
        self.h = nn.ModuleList([GPTBlock(n_embd, n_head, block_size, dropout) for _ in range(n_layer)])
        self.ln_f = nn.LayerNorm(n_embd)
        self.lm_head = nn.Linear(n_embd, vocab_size, bias=False)
        self.lm_head.weight = self.wte.weight

    def forward(self, idx):
        t = idx.size(1)
        pos = torch.arange(t, device=idx.device)
        x = self.drop(self.wte(idx) + self.wpe(pos))
        for block in self.h:
            x = block(x)
        return self.lm_head(self.ln_f(x))


class LSTMClassifier(nn.Module):
    """assets/examples/lstm_classifier.ts"""

    def __init__(self, vocab_size=100, embed_dim=16, hidden_size=32, num_classes=4, num_layers=2, dropout=0.1):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_dim)
        self.lstm = nn.LSTM(embed_dim, hidden_size, num_layers=num_layers, batch_first=True, dropout=dropout)
        self.fc = nn.Linear(hidden_size, num_classes)

    def forward(self, ids):
        _, (h_n, _) = self.lstm(self.embedding(ids))
        return self.fc(h_n[-1])


class DoubleConv(nn.Module):
    def __init__(self, in_channels, out_channels, groups=4):
        super().__init__()
        self.block = nn.Sequential(
            nn.Conv2d(in_channels, out_channels, 3, padding=1, bias=False),
            nn.GroupNorm(groups, out_channels),
            nn.SiLU(),
            nn.Conv2d(out_channels, out_channels, 3, padding=1, bias=False),
            nn.GroupNorm(groups, out_channels),
            nn.SiLU(),
        )

    def forward(self, x):
        return self.block(x)


class UNet(nn.Module):
    """assets/examples/unet.ts (its nearest 2x upsampling is F.interpolate's here)"""

    def __init__(self, in_channels=3, num_classes=2, width=8):
        super().__init__()
        self.enc1 = DoubleConv(in_channels, width)
        self.enc2 = DoubleConv(width, 2 * width)
        self.bottleneck = DoubleConv(2 * width, 4 * width)
        self.dec2 = DoubleConv(4 * width + 2 * width, 2 * width)
        self.dec1 = DoubleConv(2 * width + width, width)
        self.pool = nn.MaxPool2d(2)
        self.head = nn.Conv2d(width, num_classes, 1)

    def forward(self, x):
        skip1 = self.enc1(x)
        skip2 = self.enc2(self.pool(skip1))
        y = self.bottleneck(self.pool(skip2))
        y = self.dec2(torch.cat([F.interpolate(y, scale_factor=2, mode="nearest"), skip2], 1))
        y = self.dec1(torch.cat([F.interpolate(y, scale_factor=2, mode="nearest"), skip1], 1))
        return self.head(y)


# The examples' `inputs` exports: name -> shape (float32) or (shape, "int64", high).
EXAMPLES = {
    "mlp": (MLP, {"x": [8, 784]}),
    "resnet_cnn": (ResNetCNN, {"x": [4, 3, 32, 32]}),
    "transformer_block": (TransformerBlock, {"ids": ([2, 16], "int64", 1000)}),
    "module_list": (ResidualMLPStack, {"x": [4, 32]}),
    "branching": (BranchingNet, {"x": [4, 16]}),
    "gpt": (GPT, {"idx": ([2, 16], "int64", 64)}),
    "lstm_classifier": (LSTMClassifier, {"ids": ([4, 12], "int64", 100)}),
    "unet": (UNet, {"x": [1, 3, 32, 32]}),
}
