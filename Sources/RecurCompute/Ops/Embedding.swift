/// Embedding lookup: token ids `[B, T]` (batch-major, as users hold them) to vectors
/// `[T, B, E]` (time-major, so a timestep is one contiguous `[B, E]` block for the recurrent
/// layers). An id outside `[0, V)` yields a zero vector; the data pipeline rejects such ids
/// before they reach the device, so this is a guard, not a feature.
public struct EmbeddingGather: OpDescription, Hashable {
    public static let kind = OpKind.embeddingGather
    public var batch: Int
    public var time: Int
    public var vocabulary: Int
    public var width: Int
    /// `[B, T]`.
    public var tokenIDs: IntRef
    /// `[V, E]`.
    public var table: FloatRef
    /// `[T, B, E]`.
    public var output: FloatRef

    public init(batch: Int, time: Int, vocabulary: Int, width: Int, tokenIDs: IntRef, table: FloatRef, output: FloatRef) {
        self.batch = batch; self.time = time; self.vocabulary = vocabulary; self.width = width
        self.tokenIDs = tokenIDs; self.table = table; self.output = output
    }

    public func validate() throws {
        let check = ShapeCheck(Self.kind)
        try check.positive(batch, "batch"); try check.positive(time, "time")
        try check.positive(vocabulary, "vocabulary"); try check.positive(width, "width")
        try check.count(tokenIDs, is: batch * time, "tokenIDs")
        try check.count(table, is: vocabulary * width, "table")
        try check.count(output, is: time * batch * width, "output")
    }

    /// The timestep whose gathered rows `input` is exactly, when it is one of ``output``'s.
    public func timestep(of input: FloatRef) -> Int? {
        let rowFloats = batch * width, offset = input.offset - output.offset
        guard input.storage === output.storage, input.count == rowFloats, offset >= 0, offset % rowFloats == 0,
              offset / rowFloats < time else { return nil }
        return offset / rowFloats
    }
}

/// The embedding table's gradient, deterministically: for each distinct token of the batch, the
/// sum of the output-gradient rows where it occurs, in a fixed order, written to its row of
/// `tableGradient` (other rows are left as they are: the caller zero-fills first). No float
/// atomics: the index (``EmbeddingGradientIndex``) sorts occurrences by token on the host while
/// the batch is prepared, and each token's segment is summed by one work-item per column.
public struct EmbeddingGradient: OpDescription, Hashable {
    public static let kind = OpKind.embeddingGradient
    /// `B·T`, the number of occurrences (and the maximum number of segments).
    public var occurrences: Int
    public var vocabulary: Int
    public var width: Int
    /// `[T, B, E]`: the gradient of ``EmbeddingGather``'s output.
    public var outputGradient: FloatRef
    /// `[B·T]`: rows of `outputGradient` (`t·B + b`), grouped by token.
    public var sortedRows: IntRef
    /// `[B·T + 1]`: segment `s` spans `sortedRows[starts[s] ..< starts[s+1]]`.
    public var segmentStarts: IntRef
    /// `[B·T]`: the token of segment `s`, or −1 for an unused segment.
    public var segmentTokens: IntRef
    /// `[V, E]`.
    public var tableGradient: FloatRef
    /// When `outputGradient` is a training loop's gate gradients: that loop's time-0 saved
    /// gates, by which a backend that shared its padded prefixes finds the rows its backward left
    /// zero and may skip them (as ``GEMM/zeroRowsOfLoop``).
    public var zeroRowsOfLoop: FloatRef?

    public init(occurrences: Int, vocabulary: Int, width: Int, outputGradient: FloatRef,
                index: (sortedRows: IntRef, segmentStarts: IntRef, segmentTokens: IntRef), tableGradient: FloatRef,
                zeroRowsOfLoop: FloatRef? = nil) {
        self.occurrences = occurrences; self.vocabulary = vocabulary; self.width = width
        self.outputGradient = outputGradient; self.sortedRows = index.sortedRows
        self.segmentStarts = index.segmentStarts; self.segmentTokens = index.segmentTokens
        self.tableGradient = tableGradient; self.zeroRowsOfLoop = zeroRowsOfLoop
    }

    public func validate() throws {
        let check = ShapeCheck(Self.kind)
        try check.positive(occurrences, "occurrences"); try check.positive(vocabulary, "vocabulary")
        try check.positive(width, "width")
        try check.count(outputGradient, is: occurrences * width, "outputGradient")
        try check.count(sortedRows, is: occurrences, "sortedRows")
        try check.count(segmentStarts, is: occurrences + 1, "segmentStarts")
        try check.count(segmentTokens, is: occurrences, "segmentTokens")
        try check.count(tableGradient, is: vocabulary * width, "tableGradient")
    }
}
