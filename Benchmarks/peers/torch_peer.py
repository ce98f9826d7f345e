"""The presets in PyTorch, as close to the Keras models as PyTorch can express them.

Differences from Keras that do not change the work per step (see README.md):
initialisers (PyTorch's own defaults), two bias vectors per recurrent layer where Keras has one
(SimpleRNN, LSTM), and the final sigmoid/softmax fused into the loss during training.
"""

import torch
from torch import nn

import presets
from timing import time_steps
from unavailable import Unavailable

RECURRENT_MODULES = {"simple_rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


class TimeSharedDropout(nn.Module):
    """Drops the same features at every timestep of a [batch, time, features] sequence.

    As SpatialDropout1D this drops whole embedding channels per sequence. As a recurrent layer's
    input dropout it mirrors Keras 3, whose GRU/LSTM/SimpleRNN draw one input mask per sequence
    and reuse it at every step."""

    def __init__(self, rate):
        super().__init__()
        self.rate = rate

    def forward(self, x):
        if not self.training or self.rate == 0:
            return x
        keep = torch.empty(x.shape[0], 1, x.shape[2], dtype=x.dtype, device=x.device)
        keep.bernoulli_(1 - self.rate).div_(1 - self.rate)
        return x * keep


class Recurrent(nn.Module):
    def __init__(self, spec, input_size):
        super().__init__()
        if spec.recurrent_dropout:
            raise Unavailable(
                "PyTorch's nn.RNN/LSTM/GRU have no recurrent dropout "
                f"(recurrent_dropout={spec.recurrent_dropout}); a hand-written cell loop would not "
                "be the framework's own recurrent layer"
            )
        # Keras's Bidirectional wraps two layers, each drawing its own input mask; a bidirectional
        # PyTorch module reads one input, so both directions see the same mask here.
        self.input_dropout = TimeSharedDropout(spec.dropout)
        options = dict(batch_first=True, bidirectional=spec.bidirectional)
        if spec.kind == "simple_rnn":
            options["nonlinearity"] = "tanh"
        # nn.GRU computes r * (W_hn h + b_hn), which is Keras's reset_after=True (the Keras 3 default).
        self.rnn = RECURRENT_MODULES[spec.kind](input_size, spec.units, **options)
        self.return_sequences = spec.return_sequences
        self.bidirectional = spec.bidirectional

    def forward(self, x):
        outputs, final = self.rnn(self.input_dropout(x))
        if self.return_sequences:
            return outputs  # bidirectional: [forward, backward] per timestep, both aligned in time
        h_n = final[0] if isinstance(final, tuple) else final  # LSTM: (h_n, c_n)
        # Keras's last output of a backward layer is its state after reading timestep 0, which is
        # h_n, not outputs[:, -1].
        return torch.cat([h_n[-2], h_n[-1]], dim=1) if self.bidirectional else h_n[-1]


def build_model(preset):
    """Returns (model producing logits, final activation applied at inference)."""
    modules, width = [], None
    *hidden, output = preset.layers
    for spec in hidden:
        if isinstance(spec, presets.Embedding):
            embedding = nn.Embedding(spec.input_dim, spec.output_dim)
            embedding.weight.requires_grad_(spec.trainable)
            modules.append(embedding)
            width = spec.output_dim
        elif isinstance(spec, presets.SpatialDropout1D):
            modules.append(TimeSharedDropout(spec.rate))
        elif isinstance(spec, presets.Recurrent):
            modules.append(Recurrent(spec, width))
            width = spec.units * (2 if spec.bidirectional else 1)
        elif isinstance(spec, presets.Dropout):
            modules.append(nn.Dropout(spec.rate))
        elif isinstance(spec, presets.Dense):
            modules.append(nn.Linear(width, spec.units))
            if spec.activation == "relu":
                modules.append(nn.ReLU())
            elif spec.activation is not None:
                raise TypeError(f"hidden Dense activation {spec.activation!r} not supported")
            width = spec.units
        else:
            raise TypeError(f"unknown layer spec {spec!r}")
    modules.append(nn.Linear(width, output.units))
    activation = {"sigmoid": torch.sigmoid, "softmax": lambda z: torch.softmax(z, dim=-1)}[output.activation]
    return nn.Sequential(*modules), activation


def run(preset, batch, steps, warmup, warmup_seconds, tokens, labels):
    torch.manual_seed(0)
    model, activation = build_model(preset)
    trainable = [p for p in model.parameters() if p.requires_grad]
    # Keras defaults: RMSprop rho 0.9, epsilon 1e-7; Adam betas (0.9, 0.999), epsilon 1e-7.
    if preset.optimizer == "rmsprop":
        optimizer = torch.optim.RMSprop(trainable, lr=1e-3, alpha=0.9, eps=1e-7)
    else:
        optimizer = torch.optim.Adam(trainable, lr=1e-3, betas=(0.9, 0.999), eps=1e-7)
    x = torch.from_numpy(tokens)
    if preset.loss == "binary_crossentropy":
        loss_fn, y = nn.BCEWithLogitsLoss(), torch.from_numpy(labels).float().unsqueeze(1)
    else:
        loss_fn, y = nn.CrossEntropyLoss(), torch.from_numpy(labels)

    def train_step():
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        return loss.item()

    def infer_step():
        with torch.no_grad():
            return activation(model(x))

    model.train()
    first_loss, train_ms = time_steps(train_step, warmup, warmup_seconds, steps, "train")
    model.eval()
    _, infer_ms = time_steps(infer_step, warmup, warmup_seconds, steps, "infer")
    return {
        "framework_version": torch.__version__,
        "backend": "torch",
        "xla": False,
        "threads": torch.get_num_threads(),
        "train_ms": train_ms,
        "infer_ms": infer_ms,
        "first_loss": first_loss,
    }
