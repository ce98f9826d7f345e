/// An op whose row count is the batch's number of distinct tokens (``TokenProjection``), which
/// the host learns only when it prepares the batch: built and validated at the most there can be
/// (`largest`), enqueued cut down to the batch's count. Cutting only shrinks what the op reads
/// and writes, so the validation of `largest` covers every smaller count.
public struct DistinctRowsOp: Hashable, Sendable {
    /// Which of the op's sizes is the distinct-token count.
    public enum Dimension: Hashable, Sendable {
        /// A GEMM's `m` (rows of `A` and `C`).
        case gemmRows
        /// A GEMM's `k` (the summed-over dimension).
        case gemmDepth
        /// An ``EmbeddingGather``'s lookups (`batch` 1, `time` the count).
        case gatheredRows
        /// A ``Multiply`` or an ``Axpby`` of rows `width` elements wide.
        case elementRows(width: Int)
    }

    public var largest: Op
    public var dimension: Dimension

    public init(_ largest: Op, _ dimension: Dimension) {
        self.largest = largest; self.dimension = dimension
        switch (largest, dimension) {
        case (.gemm, .gemmRows), (.gemm, .gemmDepth): break
        case (.embeddingGather(let o), .gatheredRows): precondition(o.batch == 1, "a distinct-row gather looks up one row of tokens")
        case (.multiply(let o), .elementRows(let width)): precondition(width > 0 && o.a.count % width == 0, "rows of \(width) elements")
        case (.axpby(let o), .elementRows(let width)): precondition(width > 0 && o.x.count % width == 0, "rows of \(width) elements")
        default: preconditionFailure("\(largest.kind.rawValue) has no \(dimension) to cut")
        }
    }

    /// The op for a batch of `rows` distinct tokens (at most the largest count); nil for none.
    public func resized(to rows: Int) -> Op? {
        guard rows > 0 else { return nil }
        switch (largest, dimension) {
        case (.gemm(var g), .gemmRows):
            precondition(rows <= g.m, "\(rows) distinct rows, planned for \(g.m)")
            g.m = rows
            return .gemm(g)
        case (.gemm(var g), .gemmDepth):
            precondition(rows <= g.k, "\(rows) distinct rows, planned for \(g.k)")
            g.k = rows
            return .gemm(g)
        case (.embeddingGather(var o), .gatheredRows):
            precondition(rows <= o.time, "\(rows) distinct rows, planned for \(o.time)")
            o.tokenIDs = o.tokenIDs.slice(0, rows)
            o.output = o.output.slice(0, rows * o.width)
            o.time = rows
            return .embeddingGather(o)
        case (.multiply(var o), .elementRows(let width)):
            precondition(rows * width <= o.a.count, "\(rows) distinct rows, planned for \(o.a.count / width)")
            o.a = o.a.slice(0, rows * width); o.b = o.b.slice(0, rows * width); o.output = o.output.slice(0, rows * width)
            return .multiply(o)
        case (.axpby(var o), .elementRows(let width)):
            precondition(rows * width <= o.x.count, "\(rows) distinct rows, planned for \(o.x.count / width)")
            o.x = o.x.slice(0, rows * width); o.y = o.y.slice(0, rows * width)
            return .axpby(o)
        default:
            preconditionFailure("unreachable: checked in init")
        }
    }
}
