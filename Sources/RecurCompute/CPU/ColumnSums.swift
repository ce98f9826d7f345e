/// Column sums of a block of rows: `y[j] = beta · y[j] + Σ_r x[r · stride + j]` for the columns
/// `j` in a range, each column summed down the rows in ascending order, as a column-at-a-time
/// loop would. The rows are read one after the other (a column walk strides through every row:
/// the bias gradient over all T·B rows of a sequence), 64 columns at a time in eight vector
/// registers: a running sum in memory made the pass compute-bound (2 ms over bigru-w2v's
/// `[18176, 384]`), and fewer columns a pass read each row's cache lines more than once.
enum ColumnSums {
    static func sum(_ x: UnsafePointer<Float>, rows: Int, stride: Int, columns: Range<Int>, beta: Float,
                    into y: UnsafeMutablePointer<Float>) {
        var j = columns.lowerBound
        while j < columns.upperBound {
            let width = Swift.min(64, columns.upperBound - j)
            let zero = VectorMath.Vector()
            var sums = (zero, zero, zero, zero, zero, zero, zero, zero)
            if width == 64 {
                var row = x + j
                for _ in 0..<rows {
                    sums.0 += VectorMath.load(row); sums.1 += VectorMath.load(row + 8)
                    sums.2 += VectorMath.load(row + 16); sums.3 += VectorMath.load(row + 24)
                    sums.4 += VectorMath.load(row + 32); sums.5 += VectorMath.load(row + 40)
                    sums.6 += VectorMath.load(row + 48); sums.7 += VectorMath.load(row + 56)
                    row += stride
                }
            } else {
                // Fewer columns (simplernn-imdb's 32, split 16 a worker): a vector per eight.
                let full = width / 8, rest = width % 8
                withUnsafeMutableBytes(of: &sums) { lanes in
                    let sum = lanes.baseAddress!.assumingMemoryBound(to: VectorMath.Vector.self)
                    var row = x + j
                    for _ in 0..<rows {
                        for v in 0..<full { sum[v] += VectorMath.load(row + 8 * v) }
                        if rest > 0 { sum[full] += VectorMath.load(row + 8 * full, count: rest) }
                        row += stride
                    }
                }
            }
            withUnsafeBytes(of: sums) { lanes in
                let sum = lanes.baseAddress!.assumingMemoryBound(to: Float.self)
                for c in 0..<width { y[j + c] = (beta == 0 ? 0 : beta * y[j + c]) + sum[c] }
            }
            j += width
        }
    }
}
