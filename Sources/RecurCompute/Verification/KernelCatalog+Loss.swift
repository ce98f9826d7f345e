extension KernelCatalog {
    /// (batch, classes) per loss kind: one row, odd sizes, batches above the 256-wide work-group
    /// (so a work-item takes several rows), a wide row.
    static func lossShapes(_ kind: LossKind) -> [(b: Int, c: Int)] {
        kind == .binaryCrossEntropy ? [(1, 1), (7, 3), (300, 1), (300, 5), (513, 2)]
                                    : [(1, 2), (7, 10), (300, 3), (4, 1000), (600, 7)]
    }

    static func lossName(_ kind: LossKind) -> String {
        switch kind {
        case .binaryCrossEntropy: return "binary"
        case .categoricalCrossEntropy: return "categorical"
        case .sparseCategoricalCrossEntropy: return "sparse categorical"
        }
    }

    /// One-hot `[B, C]` rows.
    static func oneHot(batch b: Int, classes c: Int, salt: UInt32) -> [Float] {
        var values = [Float](repeating: 0, count: b * c)
        for (row, k) in hostIntegers(b, 0...Int32(c - 1), salt: salt).enumerated() { values[row * c + Int(k)] = 1 }
        return values
    }

    /// The label tensor: hard labels (0/1, one-hot, in-range indices) unless `unusual`, which
    /// asks for soft labels (binary, categorical) or out-of-range indices (sparse: zero rows).
    static func labelSpec(_ kind: LossKind, batch b: Int, classes c: Int, unusual: Bool) -> TensorSpec {
        switch kind {
        case .binaryCrossEntropy:
            return TensorSpec("labels", b * c, unusual ? .uniform(0, 1) : .binary(zeroRate: 0.5))
        case .categoricalCrossEntropy:
            return TensorSpec("labels", b * c, unusual ? .uniform(0, 1) : .values(oneHot(batch: b, classes: c, salt: UInt32(b * 31 + c))))
        case .sparseCategoricalCrossEntropy:
            return TensorSpec("labels", b, .integers(unusual ? -1...Int32(c) : 0...Int32(c - 1)))
        }
    }

    static func labels(_ kind: LossKind, _ t: TensorTable) -> LossLabels {
        kind == .sparseCategoricalCrossEntropy ? .indices(t.int("labels")) : .values(t["labels"])
    }

    static func predictionFill(_ kind: LossKind, _ input: LossInput) -> TensorFill {
        switch (kind, input) {
        case (_, .logits): return .uniform(-4, 4)
        case (.binaryCrossEntropy, .probabilities): return .uniform(0, 1)
        case (_, .probabilities): return .uniform(0.01, 1)  // unnormalized: the loss divides by the row sum
        }
    }

    static func losses() -> [KernelCheck] {
        var checks: [KernelCheck] = []
        for kind in LossKind.allCases {
            for input in [LossInput.logits, .probabilities] {
                let label = "loss \(lossName(kind)) from \(input)"
                for (index, (b, c)) in lossShapes(kind).enumerated() {
                    // Alternate overwrite / accumulate and hard / unusual labels across shapes.
                    let accumulate = index % 2 == 1, unusual = index == 2
                    checks.append(KernelCheck(label + (accumulate ? " accumulate" : "") + (unusual ? " unusual labels" : ""),
                        kind: .loss, shape: "B=\(b) C=\(c)",
                        tensors: [TensorSpec("p", b * c, predictionFill(kind, input)), labelSpec(kind, batch: b, classes: c, unusual: unusual),
                                  TensorSpec("value", 1, accumulate ? .constant(1.5) : .poison), TensorSpec("grad", b * c, .poison)],
                        compared: ["value", "grad"], tolerance: .accumulation) { t in
                        [.loss(Loss(kind, input: input, batch: b, classes: c, predictions: t["p"], labels: labels(kind, t),
                                    value: t["value"], accumulate: accumulate, predictionsGradient: t["grad"]))]
                    })
                }
                // Evaluation: no gradient tensor.
                let (b, c) = lossShapes(kind)[3]
                checks.append(KernelCheck(label + " no gradient", kind: .loss, shape: "B=\(b) C=\(c)",
                    tensors: [TensorSpec("p", b * c, predictionFill(kind, input)), labelSpec(kind, batch: b, classes: c, unusual: false),
                              TensorSpec("value", 1, .poison)],
                    compared: ["value"], tolerance: .accumulation) { t in
                    [.loss(Loss(kind, input: input, batch: b, classes: c, predictions: t["p"], labels: labels(kind, t), value: t["value"]))]
                })
                for (b, c) in lossShapes(kind) {
                    checks.append(KernelCheck("accuracy \(lossName(kind)) from \(input)", kind: .accuracyCount, shape: "B=\(b) C=\(c)",
                        tensors: [TensorSpec("p", b * c, predictionFill(kind, input)), labelSpec(kind, batch: b, classes: c, unusual: false),
                                  TensorSpec("correct", 1, .constant(3))],
                        compared: ["correct"], tolerance: .exact) { t in
                        [.accuracyCount(AccuracyCount(kind, input: input, batch: b, classes: c, predictions: t["p"],
                                                      labels: labels(kind, t), correct: t["correct"]))]
                    })
                }
            }
        }
        // Binary probabilities at and beyond the clipping bounds (gradient 0 outside (ε, 1−ε)).
        let edges: [Float] = [0, 1, 1e-8, 1 - 1e-8, 0.5, 1e-3, 0.999, 0.25]
        let edgeLabels: [Float] = [1, 0, 0, 1, 1, 0, 1, 0.3]
        checks.append(KernelCheck("loss binary from probabilities", kind: .loss, shape: "B=2 C=4 clipping edges",
            tensors: [TensorSpec("p", 8, .values(edges)), TensorSpec("labels", 8, .values(edgeLabels)),
                      TensorSpec("value", 1, .poison), TensorSpec("grad", 8, .poison)],
            compared: ["value", "grad"], tolerance: .accumulation) { t in
            [.loss(Loss(.binaryCrossEntropy, input: .probabilities, batch: 2, classes: 4, predictions: t["p"],
                        labels: .values(t["labels"]), value: t["value"], predictionsGradient: t["grad"]))]
        })
        // Categorical probabilities with clipped classes (p/P ≤ ε or ≥ 1 − ε): a zero probability
        // under a label, a row that is all one class, a vanishing one. The clip passes no gradient.
        let clipped: [Float] = [0, 0.5, 0.5, 0, 1, 0, 0, 0, 1e-9, 1, 1, 0.3]
        let clippedLabels: [(String, TensorSpec, @Sendable (TensorTable) -> LossLabels)] = [
            ("categorical", TensorSpec("labels", 12, .values([1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1])), { .values($0["labels"]) }),
            ("categorical soft labels", TensorSpec("labels", 12, .values([0.5, 0.5, 0, 0, 0.2, 0.3, 0.5, 0, 0.1, 0, 0.4, 0.5])),
             { .values($0["labels"]) }),
            ("sparse categorical", TensorSpec("labels", 3, .integerValues([0, 0, 3])), { .indices($0.int("labels")) }),
        ]
        for (name, labelSpec, labels) in clippedLabels {
            let kind: LossKind = name.hasPrefix("sparse") ? .sparseCategoricalCrossEntropy : .categoricalCrossEntropy
            checks.append(KernelCheck("loss \(name) from probabilities", kind: .loss, shape: "B=3 C=4 clipped classes",
                tensors: [TensorSpec("p", 12, .values(clipped)), labelSpec, TensorSpec("value", 1, .poison), TensorSpec("grad", 12, .poison)],
                compared: ["value", "grad"], tolerance: .accumulation) { t in
                [.loss(Loss(kind, input: .probabilities, batch: 3, classes: 4, predictions: t["p"], labels: labels(t),
                            value: t["value"], predictionsGradient: t["grad"]))]
            })
        }
        // Ties go to the first largest; logit 0 / probability 0.5 count as negative.
        checks.append(KernelCheck("accuracy sparse categorical ties", kind: .accuracyCount, shape: "B=3 C=3",
            tensors: [TensorSpec("p", 9, .values([1, 1, 0, 0.5, 0.2, 0.5, 0, 2, 2])), TensorSpec("labels", 3, .integerValues([0, 2, 1])),
                      TensorSpec("correct", 1, .constant(0))],
            compared: ["correct"], tolerance: .exact) { t in
            [.accuracyCount(AccuracyCount(.sparseCategoricalCrossEntropy, input: .logits, batch: 3, classes: 3, predictions: t["p"],
                                          labels: .indices(t.int("labels")), correct: t["correct"]))]
        })
        for input in [LossInput.logits, .probabilities] {
            checks.append(KernelCheck("accuracy binary thresholds from \(input)", kind: .accuracyCount, shape: "B=2 C=3",
                tensors: [TensorSpec("p", 6, .values([0, 0.5, 0.51, -0.1, 1, 0.49])), TensorSpec("labels", 6, .values([0, 0, 1, 0, 1, 0.5])),
                          TensorSpec("correct", 1, .constant(0))],
                compared: ["correct"], tolerance: .exact) { t in
                [.accuracyCount(AccuracyCount(.binaryCrossEntropy, input: input, batch: 2, classes: 3, predictions: t["p"],
                                              labels: .values(t["labels"]), correct: t["correct"]))]
            })
        }
        return checks
    }
}
