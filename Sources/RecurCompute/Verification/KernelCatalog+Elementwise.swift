extension KernelCatalog {
    /// Element counts for the flat element-wise ops: one element, odd, more than a work-group,
    /// and more than a CPU device's chunk (its `*_rows` kernels) with a tail.
    static let flatCounts = [1, 33, 1031, 12_293]

    /// A typical forward input range for each activation, wide enough to reach hard sigmoid's
    /// flat parts and relu's zero.
    static func activationInput(_ a: Activation) -> TensorFill {
        switch a {
        case .hardSigmoid: return .uniform(-4, 4)
        default: return .uniform(-3, 3)
        }
    }

    static func elementwise() -> [KernelCheck] {
        var checks: [KernelCheck] = []
        for n in flatCounts + [7] {
            checks.append(KernelCheck("fill", kind: .fill, shape: "n=\(n)", tensors: [TensorSpec("x", n, .poison)],
                                      compared: ["x"], tolerance: .exact) { t in [.fill(Fill(t["x"], value: -2.5))] })
        }
        // A view inside a larger buffer: elements around it must keep their values.
        checks.append(KernelCheck("fill", kind: .fill, shape: "n=7 at offset 3 of 20", tensors: [TensorSpec("x", 20, .uniform(-1, 1))],
                                  compared: ["x"], tolerance: .exact) { t in [.fill(Fill(t["x"].slice(3, 7), value: 0))] })
        // Large enough for a CPU device's chunks (an embedding's gradient): two whole chunks and a
        // scalar tail, inside a larger buffer at an odd offset.
        checks.append(KernelCheck("fill", kind: .fill, shape: "n=16,389 at offset 3 of 16,400", tensors: [TensorSpec("x", 16_400, .uniform(-1, 1))],
                                  compared: ["x"], tolerance: .exact) { t in [.fill(Fill(t["x"].slice(3, 16_389), value: 0.5))] })

        checks += copyChecks()

        for (rows, cols) in [(1, 1), (7, 33), (40, 33)] {
            checks.append(KernelCheck("add bias", kind: .addBias, shape: "rows=\(rows) cols=\(cols)",
                tensors: [TensorSpec("x", rows * cols, .uniform(-1, 1)), TensorSpec("bias", cols, .uniform(-1, 1))],
                compared: ["x"]) { t in [.addBias(AddBias(rows: rows, columns: cols, tensor: t["x"], bias: t["bias"]))] })
        }

        for a in Activation.allCases {
            for n in flatCounts {
                checks.append(KernelCheck("activation forward \(a.kerasName)", kind: .activationForward, shape: "n=\(n)",
                    tensors: [TensorSpec("x", n, activationInput(a)), TensorSpec("y", n, .poison)],
                    compared: ["y"]) { t in [.activationForward(ActivationForward(a, input: t["x"], output: t["y"]))] })
                // Backward from the forward's own output, so y holds the values f really produces
                // (relu's zeros, hard sigmoid's 0 and 1).
                checks.append(KernelCheck("activation backward \(a.kerasName)", kind: .activationBackward, shape: "n=\(n)",
                    tensors: [TensorSpec("x", n, activationInput(a)), TensorSpec("y", n, .poison),
                              TensorSpec("dy", n, .uniform(-1, 1)), TensorSpec("dx", n, .poison)],
                    compared: ["y", "dx"]) { t in
                    [.activationForward(ActivationForward(a, input: t["x"], output: t["y"])),
                     .activationBackward(ActivationBackward(a, output: t["y"], outputGradient: t["dy"], inputGradient: t["dx"]))]
                })
            }
            checks.append(KernelCheck("activation forward+backward \(a.kerasName) in place", kind: .activationBackward, shape: "n=33",
                tensors: [TensorSpec("x", 33, activationInput(a)), TensorSpec("dy", 33, .uniform(-1, 1))],
                compared: ["x", "dy"]) { t in
                [.activationForward(ActivationForward(a, input: t["x"], output: t["x"])),
                 .activationBackward(ActivationBackward(a, output: t["x"], outputGradient: t["dy"], inputGradient: t["dy"]))]
            })
        }

        // Rows of 1, under, equal to and over the 256-wide work-group; many rows.
        for (rows, cols) in [(1, 1), (1, 7), (3, 33), (2, 256), (5, 1000), (300, 10)] {
            checks.append(KernelCheck("softmax", kind: .softmax, shape: "rows=\(rows) cols=\(cols)",
                tensors: [TensorSpec("x", rows * cols, .uniform(-10, 10)), TensorSpec("y", rows * cols, .poison)],
                compared: ["y"]) { t in [.softmax(Softmax(rows: rows, columns: cols, input: t["x"], output: t["y"]))] })
        }
        // One spike per row, each in a different lane of the work-group: a max that missed it would
        // overflow exp.
        var spikes = [Float](repeating: -50, count: 3 * 300)
        for (row, column) in [(0, 1), (1, 257), (2, 255)] { spikes[row * 300 + column] = 60 }
        checks.append(KernelCheck("softmax one spike per row", kind: .softmax, shape: "rows=3 cols=300",
            tensors: [TensorSpec("x", spikes.count, .values(spikes)), TensorSpec("y", spikes.count, .poison)],
            compared: ["y"]) { t in [.softmax(Softmax(rows: 3, columns: 300, input: t["x"], output: t["y"]))] })
        checks.append(KernelCheck("softmax in place", kind: .softmax, shape: "rows=4 cols=300",
            tensors: [TensorSpec("x", 1200, .uniform(-30, 30))],
            compared: ["x"]) { t in [.softmax(Softmax(rows: 4, columns: 300, input: t["x"], output: t["x"]))] })

        for n in flatCounts {
            checks.append(KernelCheck("multiply", kind: .multiply, shape: "n=\(n)",
                tensors: [TensorSpec("a", n, .uniform(-2, 2)), TensorSpec("b", n, .uniform(-2, 2)), TensorSpec("y", n, .poison)],
                compared: ["y"]) { t in [.multiply(Multiply(t["a"], t["b"], output: t["y"]))] })
        }
        checks.append(KernelCheck("multiply in place", kind: .multiply, shape: "n=33",
            tensors: [TensorSpec("a", 33, .uniform(-2, 2)), TensorSpec("b", 33, .dropout(rate: 0.3))],
            compared: ["a"]) { t in [.multiply(Multiply(t["a"], t["b"], output: t["a"]))] })

        // The last two reach a CPU device's row kernel: many short rows with a tail, and rows
        // longer than a chunk.
        for (repeats, n) in [(1, 1), (7, 33), (40, 33), (3, 1031), (300, 33), (3, 9000)] {
            checks.append(KernelCheck("multiply broadcast", kind: .multiplyBroadcast, shape: "repeats=\(repeats) n=\(n)",
                tensors: [TensorSpec("x", repeats * n, .uniform(-2, 2)), TensorSpec("f", n, .dropout(rate: 0.25)),
                          TensorSpec("y", repeats * n, .poison)],
                compared: ["y"]) { t in [.multiplyBroadcast(MultiplyBroadcast(repeats: repeats, input: t["x"], factor: t["f"], output: t["y"]))] })
        }
        checks.append(KernelCheck("multiply broadcast in place", kind: .multiplyBroadcast, shape: "repeats=5 n=7",
            tensors: [TensorSpec("x", 35, .uniform(-2, 2)), TensorSpec("f", 7, .uniform(-1, 1))],
            compared: ["x"]) { t in [.multiplyBroadcast(MultiplyBroadcast(repeats: 5, input: t["x"], factor: t["f"], output: t["x"]))] })

        for n in flatCounts {
            for (alpha, beta): (Float, Float) in [(1, 1), (0.5, -1.25), (2, 0)] {
                checks.append(KernelCheck("axpby alpha=\(alpha) beta=\(beta)", kind: .axpby, shape: "n=\(n)",
                    tensors: [TensorSpec("x", n, .uniform(-1, 1)), TensorSpec("y", n, .uniform(-1, 1))],
                    compared: ["y"]) { t in [.axpby(Axpby(alpha: alpha, x: t["x"], beta: beta, y: t["y"]))] })
            }
        }

        for n in flatCounts {
            checks.append(KernelCheck("clip by value", kind: .clipByValue, shape: "n=\(n)",
                tensors: [TensorSpec("x", n, .uniform(-3, 3))],
                compared: ["x"], tolerance: .exact) { t in [.clipByValue(ClipByValue(t["x"], limit: 1.5))] })
        }
        checks.append(KernelCheck("clip by value", kind: .clipByValue, shape: "n=8 edges",
            tensors: [TensorSpec("x", 8, .values([-0.25, 0.25, 0.3, -0.3, 0, .infinity, -.infinity, .nan]))],
            compared: ["x"], tolerance: .exact) { t in [.clipByValue(ClipByValue(t["x"], limit: 0.25))] })
        return checks
    }

    static func copyChecks() -> [KernelCheck] {
        var checks: [KernelCheck] = []
        // (rows, columns, source stride, destination stride, source offset, destination offset):
        // a single element, a contiguous block, concatenating into / splitting out of wider rows.
        // The last two are large enough for a CPU device's row kernel (strided rows with a tail).
        let shapes = [(1, 1, 1, 1, 0, 0), (3, 7, 7, 7, 0, 0), (5, 7, 9, 16, 2, 7), (33, 40, 80, 40, 40, 0), (4, 33, 33, 66, 0, 33),
                      (300, 33, 66, 33, 0, 0), (130, 70, 70, 140, 3, 70)]
        for (rows, cols, ss, ds, so, dOff) in shapes {
            let sourceCount = so + (rows - 1) * ss + cols, destinationCount = dOff + (rows - 1) * ds + cols + 3
            checks.append(KernelCheck("copy2D", kind: .copy2D, shape: "rows=\(rows) cols=\(cols) strides=\(ss)/\(ds) offsets=\(so)/\(dOff)",
                tensors: [TensorSpec("src", sourceCount, .uniform(-1, 1)), TensorSpec("dst", destinationCount, .uniform(-1, 1))],
                compared: ["dst"], tolerance: .exact) { t in
                [.copy2D(Copy2D(rows: rows, columns: cols, source: t["src"].slice(so, sourceCount - so), sourceStride: ss,
                                destination: t["dst"].slice(dOff, destinationCount - dOff), destinationStride: ds))]
            })
        }
        for n in [1031, 12_293] {
            checks.append(KernelCheck("copy", kind: .copy2D, shape: "n=\(n)",
                tensors: [TensorSpec("src", n, .uniform(-1, 1)), TensorSpec("dst", n, .poison)],
                compared: ["dst"], tolerance: .exact) { t in [.copy2D(Copy2D(t["src"], to: t["dst"]))] })
        }
        return checks
    }
}
