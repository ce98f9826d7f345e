extension KernelCatalog {
    static func reductions() -> [KernelCheck] {
        var checks: [KernelCheck] = []
        // Bias gradients over T·B rows: one row, odd widths, many rows, a wide row, and the
        // split sums a CPU device runs for many rows of a multiple of 8 columns (row counts no
        // slice or chain divides).
        for (rows, cols) in [(1, 1), (7, 33), (300, 5), (1031, 3), (2, 1031), (4099, 32), (1027, 136)] {
            for beta: Float in [0, 1, 0.5] {
                // beta = 0 must overwrite, so the output starts poisoned there.
                checks.append(KernelCheck("sum rows beta=\(beta)", kind: .sumRows, shape: "rows=\(rows) cols=\(cols)",
                    tensors: [TensorSpec("x", rows * cols, .uniform(-1, 1)), TensorSpec("y", cols, beta == 0 ? .poison : .uniform(-1, 1))],
                    compared: ["y"], tolerance: .accumulation) { t in
                    [.sumRows(SumRows(rows: rows, columns: cols, input: t["x"], beta: beta, output: t["y"]))]
                })
            }
        }

        // Under, at and over the 256-wide work-group; a large tensor.
        for n in [1, 7, 256, 257, 1031, 100_003] {
            for accumulate in [false, true] {
                checks.append(KernelCheck("sum of squares\(accumulate ? " accumulate" : "")", kind: .sumOfSquares, shape: "n=\(n)",
                    tensors: [TensorSpec("x", n, .uniform(-1, 1)), TensorSpec("result", 1, accumulate ? .constant(2.5) : .poison)],
                    compared: ["result"], tolerance: .accumulation) { t in
                    [.sumOfSquares(SumOfSquares(t["x"], result: t["result"], accumulate: accumulate))]
                })
            }
        }

        // ss = 0 (scale 1), under the norm (1), over it (clipNorm/‖g‖).
        for (ss, clipNorm): (Float, Float) in [(0, 1), (0.25, 1), (4, 1), (1e6, 5)] {
            checks.append(KernelCheck("clip scale", kind: .clipScale, shape: "ss=\(ss) clipNorm=\(clipNorm)",
                tensors: [TensorSpec("ss", 1, .constant(ss)), TensorSpec("scale", 1, .poison)],
                compared: ["scale"]) { t in [.clipScale(ClipScale(sumOfSquares: t["ss"], clipNorm: clipNorm, scale: t["scale"]))] }
            )
        }

        // The global-norm clip as training runs it: squared norms chained over three tensors, the
        // scale, and an update that applies it.
        checks.append(KernelCheck("global norm clip chain", kind: .clipScale, shape: "n=33+1031+7",
            tensors: [TensorSpec("a", 33, .uniform(-1, 1)), TensorSpec("b", 1031, .uniform(-1, 1)), TensorSpec("c", 7, .uniform(-3, 3)),
                      TensorSpec("ss", 1, .poison), TensorSpec("scale", 1, .poison), TensorSpec("w", 1031, .uniform(-1, 1))],
            compared: ["ss", "scale", "w"], tolerance: .accumulation) { t in
            [.sumOfSquares(SumOfSquares(t["a"], result: t["ss"], accumulate: false)),
             .sumOfSquares(SumOfSquares(t["b"], result: t["ss"], accumulate: true)),
             .sumOfSquares(SumOfSquares(t["c"], result: t["ss"], accumulate: true)),
             .clipScale(ClipScale(sumOfSquares: t["ss"], clipNorm: 2, scale: t["scale"])),
             .optimizerUpdate(OptimizerUpdate(rule: .sgd(), parameter: t["w"], gradient: t["b"], slots: [], stepSize: 0.1,
                                              gradientScale: t["scale"]))]
        })
        return checks
    }
}
