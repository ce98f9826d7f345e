import CBLAS

/// Orthonormal columns via LAPACK's Householder QR (`dgeqrf` + `dorgqr` from OpenBLAS), in
/// Float64: what Keras's `Orthogonal` initializer computes from a normal matrix.
public enum OrthonormalBasis {
    /// The Q factor of the row-major `rows × columns` matrix `a` (`rows ≥ columns`), with each
    /// column's sign chosen so that R's diagonal is non-negative — `q · sign(diag(r))`, as Keras does.
    public static func qFactor(rowMajor a: [Double], rows: Int, columns: Int) -> [Double] {
        precondition(rows >= columns && a.count == rows * columns, "qFactor needs rows ≥ columns and a rows×columns matrix")
        // Column-major copy for LAPACK.
        var matrix = [Double](repeating: 0, count: rows * columns)
        for r in 0..<rows { for c in 0..<columns { matrix[c * rows + r] = a[r * columns + c] } }
        var m = Int32(rows), n = Int32(columns), k = Int32(columns), lda = Int32(rows), info: Int32 = 0
        var tau = [Double](repeating: 0, count: columns)
        var workSize = 0.0, query: Int32 = -1
        dgeqrf_(&m, &n, &matrix, &lda, &tau, &workSize, &query, &info)
        var lwork = Int32(max(workSize, Double(columns)))
        var work = [Double](repeating: 0, count: Int(lwork))
        dgeqrf_(&m, &n, &matrix, &lda, &tau, &work, &lwork, &info)
        precondition(info == 0, "dgeqrf failed with info \(info)")
        let diagonalSigns = (0..<columns).map { matrix[$0 * rows + $0] < 0 ? -1.0 : 1.0 }
        dorgqr_(&m, &n, &k, &matrix, &lda, &tau, &workSize, &query, &info)
        lwork = Int32(max(workSize, Double(columns)))
        work = [Double](repeating: 0, count: Int(lwork))
        dorgqr_(&m, &n, &k, &matrix, &lda, &tau, &work, &lwork, &info)
        precondition(info == 0, "dorgqr failed with info \(info)")
        var q = [Double](repeating: 0, count: rows * columns)
        for r in 0..<rows { for c in 0..<columns { q[r * columns + c] = matrix[c * rows + r] * diagonalSigns[c] } }
        return q
    }
}
