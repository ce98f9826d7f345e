extension KernelCatalog {
    static let cellVariants: [RecurrentCell] = [
        RecurrentCell(.simpleRNN, units: 1),
        RecurrentCell(.simpleRNN, units: 1, activation: .relu),
        RecurrentCell(.lstm, units: 1),
        RecurrentCell(.lstm, units: 1, recurrentActivation: .hardSigmoid),
        RecurrentCell(.gru(resetAfter: true), units: 1),
        RecurrentCell(.gru(resetAfter: false), units: 1),
    ]

    static func cells() -> [KernelCheck] {
        var checks: [KernelCheck] = []
        for variant in cellVariants {
            for (b, h) in cellShapes {
                var cell = variant
                cell.units = h
                for masked in [false, true] {
                    checks.append(cellForwardCheck(cell, batch: b, masked: masked))
                    checks.append(cellBackwardCheck(cell, batch: b, masked: masked))
                }
                checks.append(cellBackwardCheck(cell, batch: b, masked: true, maskedOutput: .carried))
            }
        }
        return checks
    }

    static func cellLabel(_ cell: RecurrentCell, _ direction: String) -> String {
        var label = "\(cell.kind.name) \(direction)"
        if cell.activation != .tanh { label += " act=\(cell.activation.kerasName)" }
        if cell.recurrentActivation != .sigmoid && cell.kind != .simpleRNN { label += " ract=\(cell.recurrentActivation.kerasName)" }
        return label
    }

    /// Masked variants also exercise recurrent dropout and the sequence output.
    static func cellForwardCheck(_ cell: RecurrentCell, batch b: Int, masked: Bool) -> KernelCheck {
        let h = cell.units, g = cell.gateWidth
        let resetBefore = cell.kind == .gru(resetAfter: false)
        var tensors = [
            TensorSpec("x", b * g, .uniform(-1, 1)), TensorSpec("p", b * g, .uniform(-1, 1)),
            TensorSpec("bias", cell.biasCount, .uniform(-0.5, 0.5)), TensorSpec("h0", b * h, .uniform(-1, 1)),
            TensorSpec("h1", b * h, .poison), TensorSpec("gates", b * cell.savedWidth, resetBefore ? .uniform(0, 1) : .poison),
        ]
        var compared = ["h1", "gates"]
        if cell.kind == .lstm {
            tensors += [TensorSpec("c0", b * h, .uniform(-1, 1)), TensorSpec("c1", b * h, .poison)]
            compared.append("c1")
        }
        if masked {
            tensors += [TensorSpec("mask", b, .binary(zeroRate: 0.4)), TensorSpec("seq", b * h, .poison),
                        TensorSpec("rd", b * h, .dropout(rate: 0.25)), TensorSpec("dropped", b * h, .poison)]
            compared += ["seq", "dropped"]
        }
        if resetBefore {
            tensors.append(TensorSpec("reset", b * h, .poison))
            compared.append("reset")
        }
        return KernelCheck(cellLabel(cell, "forward") + (masked ? " masked+dropout" : ""), kind: .cellForward,
                           shape: "B=\(b) H=\(h)", tensors: tensors, compared: compared) { t in
            var ops: [Op] = []
            if resetBefore {
                ops.append(.gruResetGateForward(GRUResetGateForward(
                    cell: cell, batch: b, projectedInput: t["x"], projectedState: t["p"], bias: t["bias"],
                    previousState: t["h0"], gates: t["gates"], resetState: t["reset"], recurrentDropoutMask: t.optional("rd"))))
            }
            ops.append(.cellForward(CellForward(
                cell: cell, batch: b, projectedInput: t["x"], projectedState: t["p"], bias: t["bias"],
                previousState: t["h0"], state: t["h1"], previousCellState: t.optional("c0"), cellState: t.optional("c1"),
                gates: t["gates"], mask: t.optional("mask"), sequenceOutput: t.optional("seq"),
                recurrentDropoutMask: t.optional("rd"), droppedState: t.optional("dropped"))))
            return ops
        }
    }

    static func cellBackwardCheck(_ cell: RecurrentCell, batch b: Int, masked: Bool, maskedOutput: MaskedOutput = .zero) -> KernelCheck {
        let h = cell.units, g = cell.gateWidth
        let resetBefore = cell.kind == .gru(resetAfter: false)
        let resetAfter = cell.kind == .gru(resetAfter: true)
        var tensors = [
            TensorSpec("gates", b * cell.savedWidth, .uniform(0.05, 0.95)), TensorSpec("h0", b * h, .uniform(-1, 1)),
            TensorSpec("carried", b * h, .uniform(-1, 1)), TensorSpec("recurrent", b * h, .uniform(-1, 1)),
            TensorSpec("out", b * h, .uniform(-1, 1)), TensorSpec("dz", b * g, .poison),
        ]
        var compared = ["carried", "dz"]
        if cell.kind == .lstm {
            tensors += [TensorSpec("c0", b * h, .uniform(-1, 1)), TensorSpec("dc", b * h, .uniform(-1, 1))]
            compared.append("dc")
        }
        if resetAfter {
            tensors.append(TensorSpec("dzh", b * g, .poison))
            compared.append("dzh")
        }
        if resetBefore {
            tensors.append(TensorSpec("dreset", b * h, .uniform(-1, 1)))
        }
        if masked {
            tensors += [TensorSpec("mask", b, .binary(zeroRate: 0.4)), TensorSpec("rd", b * h, .dropout(rate: 0.25))]
        }
        let label = cellLabel(cell, "backward") + (masked ? " masked+dropout" : "") + (maskedOutput == .carried ? " carried-output" : "")
        return KernelCheck(label, kind: .cellBackward,
                           shape: "B=\(b) H=\(h)", tensors: tensors, compared: compared) { t in
            var ops: [Op] = [.cellBackward(CellBackward(
                cell: cell, batch: b, gates: t["gates"], previousState: t["h0"],
                previousCellState: t.optional("c0"), mask: t.optional("mask"),
                outputGradient: t["out"], maskedOutput: maskedOutput, recurrentGradient: t["recurrent"],
                recurrentDropoutMask: t.optional("rd"),
                carriedGradient: t["carried"], cellGradient: t.optional("dc"), gateGradient: t["dz"],
                recurrentGateGradient: t.optional("dzh")))]
            if resetBefore {
                ops.append(.gruResetGateBackward(GRUResetGateBackward(
                    cell: cell, batch: b, gates: t["gates"], previousState: t["h0"], resetStateGradient: t["dreset"],
                    recurrentDropoutMask: t.optional("rd"), carriedGradient: t["carried"], gateGradient: t["dz"])))
            }
            return ops
        }
    }
}
