extension KernelCatalog {
    static func gemm() -> [KernelCheck] {
        var checks: [KernelCheck] = []
        // (m, n, k): a whole-sequence input projection shape, odd sizes, a single row.
        let shapes = [(1, 1, 1), (7, 33, 5), (64, 128, 7), (3, 4 * 33, 33)]
        for (m, n, k) in shapes {
            for (ta, tb) in [(false, false), (true, false), (false, true)] {
                let label = "gemm \(ta ? "T" : "N")\(tb ? "T" : "N")"
                checks.append(KernelCheck(label, kind: .gemm, shape: "M=\(m) N=\(n) K=\(k)",
                    tensors: [TensorSpec("a", m * k, .uniform(-1, 1)), TensorSpec("b", k * n, .uniform(-1, 1)),
                              TensorSpec("c", m * n, .uniform(-1, 1))],
                    compared: ["c"], tolerance: .accumulation) { t in
                    [.gemm(GEMM(transposeA: ta, transposeB: tb, m: m, n: n, k: k, alpha: 0.5, a: t["a"], b: t["b"], beta: 1, c: t["c"]))]
                })
            }
        }
        // Batched, strided, with padded leading dimensions.
        let (m, n, k, batch) = (5, 9, 7, 3)
        checks.append(KernelCheck("gemm batched", kind: .gemm, shape: "M=\(m) N=\(n) K=\(k) batch=\(batch)",
            tensors: [TensorSpec("a", batch * m * (k + 1), .uniform(-1, 1)), TensorSpec("b", batch * k * (n + 2), .uniform(-1, 1)),
                      TensorSpec("c", batch * m * n, .poison)],
            compared: ["c"], tolerance: .accumulation) { t in
            [.gemm(GEMM(m: m, n: n, k: k, a: t["a"], b: t["b"], c: t["c"], lda: k + 1, ldb: n + 2,
                        batch: batch, strideA: m * (k + 1), strideB: k * (n + 2), strideC: m * n))]
        })
        return checks + skinnyGEMM() + secondColumnsGEMM()
    }

    /// Products over a Bidirectional layer's two direction outputs held apart (``SecondColumns``),
    /// at a stacked layer's shapes: the input projection (A split along k), its weight gradient
    /// with the bias's sums (A transposed, split along m), its input gradient added into the two
    /// directions' gradients (C split along n); and both directions' input projections as one
    /// product (A split along k, B and C along n), and their input gradients (A and Bᵀ split
    /// along k, C along n).
    static func secondColumnsGEMM() -> [KernelCheck] {
        let (rows, half, gates) = (2051, 64, 128)
        let projection = KernelCheck("gemm second columns NN", kind: .gemm, shape: "M=\(rows) N=\(gates) K=\(2 * half) A split at \(half)",
            tensors: [TensorSpec("x1", rows * half, .uniform(-1, 1)), TensorSpec("x2", rows * half, .uniform(-1, 1)),
                      TensorSpec("w", 2 * half * gates, .uniform(-1, 1)), TensorSpec("z", rows * gates, .poison)],
            compared: ["z"], tolerance: .accumulation) { t in
            [.gemm(GEMM(m: rows, n: gates, k: 2 * half, a: t["x1"], b: t["w"], c: t["z"], lda: half,
                        aSecond: SecondColumns(column: half, tensor: t["x2"], ld: half)))]
        }
        let weightGradient = KernelCheck("gemm second columns TN", kind: .gemm, shape: "M=\(2 * half) N=\(gates) K=\(2 * rows) A split at \(half)",
            tensors: [TensorSpec("x1", 2 * rows * half, .uniform(-1, 1)), TensorSpec("x2", 2 * rows * half, .uniform(-1, 1)),
                      TensorSpec("dz", 2 * rows * gates, .uniform(-1, 1)), TensorSpec("dw", 2 * half * gates, .poison),
                      TensorSpec("db", gates, .poison)],
            compared: ["dw", "db"], tolerance: .accumulation) { t in
            [.gemm(GEMM(transposeA: true, m: 2 * half, n: gates, k: 2 * rows, a: t["x1"], b: t["dz"], c: t["dw"], lda: half,
                        columnSums: t["db"], aSecond: SecondColumns(column: half, tensor: t["x2"], ld: half)))]
        }
        let inputGradient = KernelCheck("gemm second columns NT", kind: .gemm, shape: "M=\(rows) N=\(2 * half) K=\(gates) C split at \(half) beta=1",
            tensors: [TensorSpec("dz", rows * gates, .uniform(-1, 1)), TensorSpec("w", 2 * half * gates, .uniform(-1, 1)),
                      TensorSpec("dx1", rows * half, .uniform(-1, 1)), TensorSpec("dx2", rows * half, .uniform(-1, 1))],
            compared: ["dx1", "dx2"], tolerance: .accumulation) { t in
            [.gemm(GEMM(transposeB: true, m: rows, n: 2 * half, k: gates, a: t["dz"], b: t["w"], beta: 1, c: t["dx1"], ldc: half,
                        cSecond: SecondColumns(column: half, tensor: t["dx2"], ld: half)))]
        }
        // Both directions at once: their projections (B and C split along n at the gate width),
        // their input gradients (A and Bᵀ along k at the gate width, C along n at the half).
        func bothDirections(transposed: Bool) -> KernelCheck {
            let (n, k, aSplit, cSplit) = transposed ? (2 * half, 2 * gates, gates, half) : (2 * gates, 2 * half, half, gates)
            let label = "gemm second columns \(transposed ? "NT" : "NN") both directions"
            return KernelCheck(label, kind: .gemm, shape: "M=\(rows) N=\(n) K=\(k) A split at \(aSplit), B at \(gates), C at \(cSplit)",
                tensors: [TensorSpec("a1", rows * aSplit, .uniform(-1, 1)), TensorSpec("a2", rows * aSplit, .uniform(-1, 1)),
                          TensorSpec("w1", 2 * half * gates, .uniform(-1, 1)), TensorSpec("w2", 2 * half * gates, .uniform(-1, 1)),
                          TensorSpec("c1", rows * cSplit, .poison), TensorSpec("c2", rows * cSplit, .poison)],
                compared: ["c1", "c2"], tolerance: .accumulation) { t in
                [.gemm(GEMM(transposeB: transposed, m: rows, n: n, k: k, a: t["a1"], b: t["w1"], c: t["c1"], lda: aSplit, ldb: gates,
                            ldc: cSplit, aSecond: SecondColumns(column: aSplit, tensor: t["a2"], ld: aSplit),
                            cSecond: SecondColumns(column: cSplit, tensor: t["c2"], ld: cSplit),
                            bSecond: SecondColumns(column: gates, tensor: t["w2"], ld: gates)))]
            }
        }
        return [projection, weightGradient, inputGradient, bothDirections(transposed: false), bothDirections(transposed: true)]
    }

    /// Shapes that `gemm_skinny.cl` runs instead of CLBlast on OpenCL (a tall A, op(B) small enough
    /// for local memory, N a multiple of 4): row counts no work-group tile divides, K that fits no SIMD width,
    /// op(B) transposed (the input gradient), padded leading dimensions, β = 0 over a poisoned C
    /// and β = 1.
    static func skinnyGEMM() -> [KernelCheck] {
        // (m, n, k, transposeB, pad, beta)
        let shapes: [(Int, Int, Int, Bool, Int, Float)] = [
            (2051, 36, 7, false, 0, 0), (2051, 36, 7, true, 3, 1), (4099, 128, 32, false, 1, 0),
            (4099, 32, 128, true, 0, 1), (2048, 4, 1, false, 0, 0), (3001, 256, 32, true, 2, 0),
        ]
        // Weight gradients Aᵀ·B (split K, `gemm_at_b_partial` + `gemm_at_b_reduce`): tiles that M and
        // N do not fill, a K no split divides, padded leading dimensions, β = 1, and a C too big
        // for the GPU kernel's limit that a CPU device's register tiles take.
        let gradients: [(Int, Int, Int, Int, Float)] = [(32, 128, 4099, 0, 0), (33, 36, 5001, 2, 1), (7, 4, 4096, 1, 0),
                                                         (301, 388, 1100, 1, 0)]
        return shapes.map { paddedGEMMCheck(m: $0.0, n: $0.1, k: $0.2, transposeA: false, transposeB: $0.3, pad: $0.4, beta: $0.5) }
            + gradients.map { paddedGEMMCheck(m: $0.0, n: $0.1, k: $0.2, transposeA: true, transposeB: false, pad: $0.3, beta: $0.4) }
    }

    /// One `gemm skinny` check: every leading dimension `pad` past its row, and C poisoned when
    /// β = 0 (it must be overwritten) or random under α = −0.5 when β ≠ 0.
    static func paddedGEMMCheck(m: Int, n: Int, k: Int, transposeA ta: Bool, transposeB tb: Bool, pad: Int, beta: Float) -> KernelCheck {
        let lda = (ta ? m : k) + pad, ldb = (tb ? k : n) + pad, ldc = n + pad
        let aRows = ta ? k : m, bRows = tb ? n : k
        return KernelCheck("gemm skinny \(ta ? "T" : "N")\(tb ? "T" : "N")", kind: .gemm,
            shape: "M=\(m) N=\(n) K=\(k)\(pad > 0 ? " ld+\(pad)" : "") beta=\(Int(beta))",
            tensors: [TensorSpec("a", aRows * lda, .uniform(-1, 1)), TensorSpec("b", bRows * ldb, .uniform(-1, 1)),
                      TensorSpec("c", m * ldc, beta == 0 ? .poison : .uniform(-1, 1))],
            compared: ["c"], tolerance: .accumulation) { t in
            [.gemm(GEMM(transposeA: ta, transposeB: tb, m: m, n: n, k: k, alpha: beta == 0 ? 1 : -0.5, a: t["a"], b: t["b"], beta: beta,
                        c: t["c"], lda: lda, ldb: ldb, ldc: ldc))]
        }
    }
}
