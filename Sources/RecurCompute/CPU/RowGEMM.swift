/// `C[r, :] = alpha · A[r, :] · B + beta · C[r, :]` for a range of rows `r`: the per-timestep
/// recurrent product (`[B, H] × [H, G·H]`) on a batch tile, where an OpenBLAS call per step costs
/// more in overhead than the product itself for the small H of text RNNs.
///
/// Every element is `Σ_k A[r,k]·B[k,j]` accumulated in ascending `k` with the same multiply-add
/// per term, whichever block (4 rows or 1, 16 columns, 8 or a tail) computes it — so a row's
/// result does not depend on how the batch was split into tiles, and runs are repeatable for any
/// thread count.
public enum RowGEMM {
    public typealias Vector = SIMD8<Float>

    public static func multiply(rows: Range<Int>, n: Int, k: Int, alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                                b: UnsafePointer<Float>, ldb: Int, beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        // Blocks of rows whose A (≈ 32 KB) stays in L1 while 16-column panels of B go past them,
        // each panel (k × 16) reused by every 4 rows of the block instead of streamed from L2.
        let blockRows = Swift.max(4, (8192 / Swift.max(k, 1)) & ~3)
        var block = rows.lowerBound
        while block < rows.upperBound {
            let end = Swift.min(rows.upperBound, block + blockRows)
            var j = 0
            while j < n {
                let columns = j..<Swift.min(n, j + 16)
                var r = block
                while r + 4 <= end {
                    fourRows(r, columns: columns, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
                    r += 4
                }
                while r < end {
                    oneRow(r, columns: columns, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
                    r += 1
                }
                j = columns.upperBound
            }
            block = end
        }
    }

    /// `acc += x · y`: fused where the build targets FMA (`RECUR_FMA`, see Package.swift), else a
    /// multiply and an add — `addProduct` without FMA hardware is a libm `fmaf` call per lane.
    @inline(__always)
    static func madd(_ acc: inout Vector, _ x: Vector, _ y: Vector) {
        #if RECUR_FMA
        acc.addProduct(x, y)
        #else
        acc += x * y
        #endif
    }

    @inline(__always)
    static func finish(_ acc: Vector, alpha: Float, beta: Float, _ p: UnsafeMutablePointer<Float>, count: Int) {
        var v = acc
        if alpha != 1 { v *= alpha }
        if beta != 0 { v = v + beta * (count == 8 ? VectorMath.load(p) : VectorMath.load(p, count: count)) }
        if count == 8 { VectorMath.store(v, p) } else { VectorMath.store(v, p, count: count) }
    }

    /// The 8 columns from `j` of row `row` of B, or the `count` < 8 there, zero-padded.
    @inline(__always)
    static func bRow(_ b: UnsafePointer<Float>, _ count: Int) -> Vector {
        count == 8 ? VectorMath.load(b) : VectorMath.load(b, count: count)
    }

    @inline(__always)
    static func fourRows(_ r: Int, columns: Range<Int>, k: Int, alpha: Float, a: UnsafePointer<Float>, lda: Int,
                         b: UnsafePointer<Float>, ldb: Int, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        let a0 = a + r * lda, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda
        let c0 = c + r * ldc, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc
        let n = columns.upperBound
        var j = columns.lowerBound
        while j + 16 <= n {
            var s00 = Vector(), s01 = Vector(), s10 = Vector(), s11 = Vector()
            var s20 = Vector(), s21 = Vector(), s30 = Vector(), s31 = Vector()
            var bp = b + j
            for kk in 0..<k {
                let b0 = VectorMath.load(bp), b1 = VectorMath.load(bp + 8)
                let x0 = Vector(repeating: a0[kk]), x1 = Vector(repeating: a1[kk])
                madd(&s00, x0, b0); madd(&s01, x0, b1)
                madd(&s10, x1, b0); madd(&s11, x1, b1)
                let x2 = Vector(repeating: a2[kk]), x3 = Vector(repeating: a3[kk])
                madd(&s20, x2, b0); madd(&s21, x2, b1)
                madd(&s30, x3, b0); madd(&s31, x3, b1)
                bp += ldb
            }
            finish(s00, alpha: alpha, beta: beta, c0 + j, count: 8); finish(s01, alpha: alpha, beta: beta, c0 + j + 8, count: 8)
            finish(s10, alpha: alpha, beta: beta, c1 + j, count: 8); finish(s11, alpha: alpha, beta: beta, c1 + j + 8, count: 8)
            finish(s20, alpha: alpha, beta: beta, c2 + j, count: 8); finish(s21, alpha: alpha, beta: beta, c2 + j + 8, count: 8)
            finish(s30, alpha: alpha, beta: beta, c3 + j, count: 8); finish(s31, alpha: alpha, beta: beta, c3 + j + 8, count: 8)
            j += 16
        }
        while j < n {
            let width = Swift.min(8, n - j)
            var s0 = Vector(), s1 = Vector(), s2 = Vector(), s3 = Vector()
            var bp = b + j
            for kk in 0..<k {
                let b0 = bRow(bp, width)
                madd(&s0, Vector(repeating: a0[kk]), b0); madd(&s1, Vector(repeating: a1[kk]), b0)
                madd(&s2, Vector(repeating: a2[kk]), b0); madd(&s3, Vector(repeating: a3[kk]), b0)
                bp += ldb
            }
            finish(s0, alpha: alpha, beta: beta, c0 + j, count: width); finish(s1, alpha: alpha, beta: beta, c1 + j, count: width)
            finish(s2, alpha: alpha, beta: beta, c2 + j, count: width); finish(s3, alpha: alpha, beta: beta, c3 + j, count: width)
            j += width
        }
    }

    @inline(__always)
    static func oneRow(_ r: Int, columns: Range<Int>, k: Int, alpha: Float, a: UnsafePointer<Float>, lda: Int,
                       b: UnsafePointer<Float>, ldb: Int, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        let a0 = a + r * lda, c0 = c + r * ldc
        let n = columns.upperBound
        var j = columns.lowerBound
        while j + 16 <= n {
            var s00 = Vector(), s01 = Vector()
            var bp = b + j
            for kk in 0..<k {
                let x0 = Vector(repeating: a0[kk])
                madd(&s00, x0, VectorMath.load(bp)); madd(&s01, x0, VectorMath.load(bp + 8))
                bp += ldb
            }
            finish(s00, alpha: alpha, beta: beta, c0 + j, count: 8); finish(s01, alpha: alpha, beta: beta, c0 + j + 8, count: 8)
            j += 16
        }
        while j < n {
            let width = Swift.min(8, n - j)
            var s0 = Vector()
            var bp = b + j
            for kk in 0..<k {
                madd(&s0, Vector(repeating: a0[kk]), bRow(bp, width))
                bp += ldb
            }
            finish(s0, alpha: alpha, beta: beta, c0 + j, count: width)
            j += width
        }
    }
}
