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
        return checks
    }
}
