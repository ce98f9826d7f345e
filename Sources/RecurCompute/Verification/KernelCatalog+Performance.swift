extension KernelCatalog {
    /// Shapes of the reference models (`../shared/seeds`), for `recur verify --perf`: the
    /// per-step cell and recurrent GEMM of `lstm-imdb` (B128 H32), `stacked-bilstm` (B64 H64) and
    /// `bigru-w2v` (B64 H128), and their whole-sequence input projections and weight gradients
    /// (and `simplernn-dropout`'s, which projects every token: its input dropout rules out
    /// projecting the vocabulary).
    public static func performance() -> [KernelCheck] {
        var checks: [KernelCheck] = []
        let cells: [(RecurrentCell, Int)] = [
            (RecurrentCell(.simpleRNN, units: 32), 128), (RecurrentCell(.lstm, units: 32), 128),
            (RecurrentCell(.lstm, units: 64), 64), (RecurrentCell(.gru(resetAfter: true), units: 128), 64),
        ]
        for (cell, batch) in cells {
            checks.append(cellForwardCheck(cell, batch: batch, masked: false))
            checks.append(cellBackwardCheck(cell, batch: batch, masked: false))
            let (h, g) = (cell.units, cell.gateWidth)
            checks.append(gemmCheck("recurrent GEMM \(cell.kind.name)", m: batch, n: g, k: h))
        }
        // Whole-sequence input projection and the kernel's weight gradient.
        for (label, t, b, d, g) in [("simplernn-dropout", 500, 128, 32, 32), ("lstm-imdb", 500, 128, 32, 128),
                                    ("bigru-w2v", 284, 64, 300, 384)] {
            checks.append(gemmCheck("input projection \(label)", m: t * b, n: g, k: d))
            checks.append(gemmCheck("kernel gradient \(label)", m: d, n: g, k: t * b, transposeA: true))
        }
        // lstm-imdb's embedding lookup, and an Adam step over its 320,000-weight embedding.
        let (b, t, v, e) = (128, 500, 10_000, 32)
        checks.append(KernelCheck("embedding gather lstm-imdb", kind: .embeddingGather, shape: "B=\(b) T=\(t) V=\(v) E=\(e)",
            tensors: [TensorSpec("ids", b * t, .integers(0...Int32(v - 1))), TensorSpec("table", v * e, .uniform(-0.05, 0.05)),
                      TensorSpec("out", t * b * e, .poison)], compared: ["out"], tolerance: .exact) { tensors in
            [.embeddingGather(EmbeddingGather(batch: b, time: t, vocabulary: v, width: e, tokenIDs: tensors.int("ids"),
                                              table: tensors["table"], output: tensors["out"]))]
        })
        // Its gate gradients ([T·B, 4H]) summed per token, over ids skewed as text's are (u³ of
        // the vocabulary: a few tokens hold most occurrences, as IMDB's common words do).
        let skewed = hostUniforms(b * t, salt: 7).map { Int32(Float(v - 1) * $0 * $0 * $0) }
        let index = EmbeddingGradientIndex(tokenIDs: skewed, batch: b, time: t, vocabulary: v)
        checks.append(embeddingGradientCheck(shape: "B=\(b) T=\(t) V=\(v) E=\(4 * e) lstm-imdb", occurrences: b * t, vocabulary: v,
                                             width: 4 * e, sortedRows: index.sortedRows, segmentStarts: index.segmentStarts,
                                             segmentTokens: index.segmentTokens))
        let n = v * e
        checks.append(KernelCheck("adam update embedding", kind: .optimizerUpdate, shape: "n=\(n)",
            tensors: [TensorSpec("w", n, .uniform(-1, 1)), TensorSpec("g", n, .uniform(-1, 1)),
                      TensorSpec("m", n, .constant(0)), TensorSpec("v", n, .constant(0))], compared: ["w"]) { tensors in
            [.optimizerUpdate(OptimizerUpdate(rule: .adam(), parameter: tensors["w"], gradient: tensors["g"],
                                              slots: [tensors["m"], tensors["v"]], stepSize: 1e-3))]
        })
        return checks
    }

    static func gemmCheck(_ name: String, m: Int, n: Int, k: Int, transposeA: Bool = false) -> KernelCheck {
        KernelCheck(name, kind: .gemm, shape: "M=\(m) N=\(n) K=\(k)",
                    tensors: [TensorSpec("a", m * k, .uniform(-1, 1)), TensorSpec("b", k * n, .uniform(-1, 1)),
                              TensorSpec("c", m * n, .poison)],
                    compared: ["c"], tolerance: .accumulation) { t in
            [.gemm(GEMM(transposeA: transposeA, m: m, n: n, k: k, a: t["a"], b: t["b"], c: t["c"]))]
        }
    }
}
