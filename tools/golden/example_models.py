"""The example models of assets/examples/*.ts, written again in PyTorch: same module and parameter
names, same structure, same defaults, so each state_dict's keys are exactly the TypeScript model's.

Used by tools/golden/make_example_fixtures.py (parity fixtures) and bench/torch_peer.py (the
PyTorch peer in `npm run bench`).
"""

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


# The examples' `inputs` exports: name -> shape (float32) or (shape, "int64", high).
EXAMPLES = {
    "mlp": (MLP, {"x": [8, 784]}),
    "resnet_cnn": (ResNetCNN, {"x": [4, 3, 32, 32]}),
    "transformer_block": (TransformerBlock, {"ids": ([2, 16], "int64", 1000)}),
    "module_list": (ResidualMLPStack, {"x": [4, 32]}),
    "branching": (BranchingNet, {"x": [4, 16]}),
}
