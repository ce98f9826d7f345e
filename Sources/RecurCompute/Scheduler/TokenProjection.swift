/// A recurrent layer fed straight by an embedding lookup, projected per distinct token of the
/// batch instead of per occurrence: `x·W` for an occurrence of token `v` is the row of `P = E_D·W`
/// for `v`, where `E_D` holds the table rows of the batch's `D` distinct tokens. So the forward
/// gathers `D` table rows, projects them once and the loop reads `T·B` rows of `P`; the backward
/// sums the gate gradients per distinct token first (`S`, `[D, G·H]`, the embedding gradient's own
/// deterministic segment sum) and then needs only `D`-row products: `dW = E_Dᵀ·S`,
/// `d(bias) = Σ S`, `dE_D = S·Wᵀ`, whose rows land in the table gradient. The `[T, B, E]` lookup
/// is never formed.
///
/// `D` is at most the vocabulary and at most `T·B`, and usually well below both: IMDB's 10,000
/// words against 64,000 tokens a batch (lstm-imdb), or 16,384 tokens of which about 8,000 are
/// distinct (stacked-bilstm, uniform tokens; real text repeats its common words far more). The
/// host knows `D` once the batch is prepared, so the ops it sizes are planned at the most there
/// can be (``capacity``) and cut per batch (``DistinctRowsOp``). An inference plan may instead
/// project every row of the table once and reuse it while the weights stay the same
/// (``Rows/vocabulary``): then a batch costs only its loop.
///
/// Same mathematics as the per-occurrence products: only the order of the sums over occurrences
/// changes (grouped by token), within Float32 rounding of the per-token path.
public struct TokenProjection: Sendable {
    /// `[V, E]`, the embedding table.
    public var table: FloatRef
    public var vocabulary: Int
    public var width: Int
    /// Which rows of the table are projected.
    public var rows: Rows
    /// `[B, T]`, batch-major as uploaded: each occurrence's row of the projection (its row among
    /// the distinct tokens, or its token id), −1 or anything outside the rows for an id outside
    /// the vocabulary (which reads zeros, as the lookup gives it).
    public var tokenSlots: IntRef
    /// Backward's: the occurrences grouped by distinct token, each segment writing its own row.
    public var occurrences: Occurrences?
    /// `[capacity, E]`: the input-dropout mask rows this direction's copy of the pair rows was
    /// multiplied by (``masked(byInputDropout:maskRows:into:)``); its table gradient is masked alike.
    public private(set) var inputMaskRows: FloatRef?
    /// Where backward writes (overwrites) `dE`; nil when the table is not trained.
    public var tableGradient: TableGradient?

    public enum Rows: Sendable {
        /// The batch's distinct tokens, gathered per batch into `gathered` (`[capacity, E]`);
        /// `tokens` (`[capacity]`) lists them in ascending order, −1 after them (the
        /// ``EmbeddingGradientIndex``'s segment tokens). `capacity` is the most there can be,
        /// `min(V, T·B)`. With ``SequencePairs`` the rows are the distinct (sequence, token) pairs
        /// instead, `tokens` their tokens.
        case distinct(capacity: Int, tokens: IntRef, gathered: FloatRef, pairs: SequencePairs? = nil)
        /// Every row of the table: a projection that depends on the weights only, which an
        /// inference plan computes once and reuses while they stay the same. The slots are the
        /// token ids.
        case vocabulary
    }

    /// Rows that are the distinct (sequence, token) pairs of the batch: what a layer projects when
    /// a mask per sequence and channel changes its input — a SpatialDropout1D below it (whole
    /// channels dropped per sequence), or its own input dropout (one mask per sequence, held
    /// across time, per direction). An occurrence's input is then its table row times its
    /// sequence's mask rows, the same for every occurrence of the pair. A review repeats its
    /// words, so the pairs are still far fewer than the occurrences (bigru-w2v on IMDB: about
    /// 118 per sequence of 284). A trained table's gradient is masked back per pair and summed
    /// by token (``tableGradientPlan(_:)``).
    public struct SequencePairs: Sendable {
        /// `[capacity]`: each distinct pair's sequence, −1 after them.
        public var sequences: IntRef
        /// A SpatialDropout1D's mask (`[B, E]`) every direction's rows are multiplied by, and
        /// `[capacity, E]` for its rows gathered per pair.
        public var spatialMask: (mask: FloatRef, rows: FloatRef)?
        public init(sequences: IntRef, spatialMask: (mask: FloatRef, rows: FloatRef)?) {
            self.sequences = sequences; self.spatialMask = spatialMask
        }

        /// `gathered` times the rows of `mask` (`[B, E]`) of each pair's sequence, into `output`;
        /// `rows` (`[capacity, E]`) holds the mask rows.
        func multiply(_ gathered: FloatRef, byRowsOf mask: FloatRef, rows: FloatRef, into output: FloatRef, capacity: Int, width: Int) -> [DistinctRowsOp] {
            let maskRows = rows.slice(0, capacity * width)
            return [DistinctRowsOp(.embeddingGather(EmbeddingGather(batch: 1, time: capacity, vocabulary: mask.count / width, width: width,
                                                                    tokenIDs: sequences.slice(0, capacity), table: mask, output: maskRows)),
                                   .gatheredRows),
                    DistinctRowsOp(.multiply(Multiply(gathered.slice(0, capacity * width), maskRows, output: output.slice(0, capacity * width))),
                                   .elementRows(width: width))]
        }
    }

    /// The index that sums the gate gradients of a token's occurrences into its distinct row.
    public struct Occurrences: Sendable {
        /// `[B·T]` rows `t·B + b`, grouped by token; `[B·T + 1]` segment starts.
        public var sortedRows, segmentStarts: IntRef
        /// `[B·T]`: segment `s` → row `s` for the distinct tokens, −1 after them.
        public var segmentSlots: IntRef
        public init(sortedRows: IntRef, segmentStarts: IntRef, segmentSlots: IntRef) {
            self.sortedRows = sortedRows; self.segmentStarts = segmentStarts; self.segmentSlots = segmentSlots
        }
    }

    /// The table gradient and what puts `dE_D`'s rows into it: a segment sum landing at the
    /// tokens. For distinct tokens its segments are one row each (`0…capacity−1` and
    /// `0…capacity`, constant, and the distinct tokens); for (sequence, token) pairs they group
    /// the pairs by token (an index of the pairs' tokens, per batch).
    public struct TableGradient: Sendable {
        /// `[V, E]`.
        public var table: FloatRef
        /// `[capacity, E]`: `dE_D`.
        public var rows: FloatRef
        /// Rows grouped by token, segment starts, segment tokens (an ``EmbeddingGradient``'s index).
        public var index: (sortedRows: IntRef, segmentStarts: IntRef, segmentTokens: IntRef)
        /// `[capacity, E]`: a direction's masked rows before they are added (pairs under input
        /// dropout with two directions).
        public var scratch: FloatRef?
        public init(table: FloatRef, rows: FloatRef, index: (sortedRows: IntRef, segmentStarts: IntRef, segmentTokens: IntRef),
                    scratch: FloatRef? = nil) {
            self.table = table; self.rows = rows; self.index = index; self.scratch = scratch
        }
    }

    public init(table: FloatRef, vocabulary: Int, width: Int, rows: Rows, tokenSlots: IntRef,
                occurrences: Occurrences? = nil, tableGradient: TableGradient? = nil) {
        self.table = table; self.vocabulary = vocabulary; self.width = width; self.rows = rows
        self.tokenSlots = tokenSlots; self.occurrences = occurrences; self.tableGradient = tableGradient
        if case .vocabulary = rows {
            precondition(occurrences == nil && tableGradient == nil, "a projection of the whole vocabulary is for inference only")
        }
        if case .distinct(let capacity, _, _, let pairs?) = rows {
            precondition(pairs.sequences.count >= capacity, "a sequence per pair")
        }
    }

    /// The most distinct tokens a batch of `batch × time` ids over `vocabulary` words can have.
    public static func capacity(vocabulary: Int, batch: Int, time: Int) -> Int { Swift.min(vocabulary, batch * time) }

    /// How many rows the projection has room for: the distinct tokens' capacity, or `V`.
    public var capacity: Int {
        switch rows {
        case .distinct(let capacity, _, _, _): return capacity
        case .vocabulary: return vocabulary
        }
    }

    /// `[capacity, E]`: the table rows the projection multiplies.
    public var projectedTable: FloatRef {
        switch rows {
        case .distinct(_, _, let gathered, _): return gathered
        case .vocabulary: return table
        }
    }

    /// Forward, once per layer before its directions: the table rows of the distinct tokens,
    /// times their sequences' mask rows when a SpatialDropout1D masks the pairs (nothing for the
    /// whole vocabulary, which is the table itself).
    public var gatherRows: [DistinctRowsOp] {
        guard case .distinct(let capacity, let tokens, let gathered, let pairs) = rows else { return [] }
        let rows = DistinctRowsOp(.embeddingGather(EmbeddingGather(batch: 1, time: capacity, vocabulary: vocabulary, width: width,
                                                                   tokenIDs: tokens, table: table, output: gathered)), .gatheredRows)
        guard let pairs, let spatial = pairs.spatialMask else { return [rows] }
        return [rows] + pairs.multiply(gathered, byRowsOf: spatial.mask, rows: spatial.rows, into: gathered, capacity: capacity, width: width)
    }

    /// One direction's own copy of the pairs' rows, times its input dropout mask (`[B, E]`) of
    /// each pair's sequence, written into `output`: the projection that direction reads, and the
    /// ops that form its rows (after ``gatherRows``). Rows must be (sequence, token) pairs.
    public func masked(byInputDropout mask: FloatRef, maskRows: FloatRef, into output: FloatRef) -> (TokenProjection, [DistinctRowsOp]) {
        guard case .distinct(let capacity, let tokens, let gathered, let pairs?) = rows else {
            preconditionFailure("input dropout on a projection needs rows per (sequence, token) pair")
        }
        var direction = self
        direction.rows = .distinct(capacity: capacity, tokens: tokens, gathered: output, pairs: pairs)
        direction.inputMaskRows = maskRows.slice(0, capacity * width)
        return (direction, pairs.multiply(gathered, byRowsOf: mask, rows: maskRows, into: output, capacity: capacity, width: width))
    }

    /// Backward, once per layer after its directions: `dE_D = Σ_directions S·Wᵀ` (each direction's
    /// rows times its input-dropout mask rows, all times the SpatialDropout1D's, for pairs), its
    /// rows summed into the zeroed table gradient. Empty when the table is not trained.
    public func tableGradientPlan(_ directions: [RecurrentSequence]) throws -> Plan {
        guard let gradient = tableGradient, case .distinct(let capacity, _, _, let pairs) = rows else { return Plan() }
        var plan = Plan()
        let size = capacity * width
        for (index, direction) in directions.enumerated() {
            guard let summed = direction.work.tokenGateGradients else {
                preconditionFailure("a direction reading projected tokens keeps their summed gate gradients")
            }
            var maskRows: FloatRef?
            if case .tokens(let read) = direction.bindings.input { maskRows = read.inputMaskRows }
            // The first direction writes the rows; a later one adds its own, masked first if it is.
            let target = index == 0 || maskRows == nil ? gradient.rows : gradient.scratch!
            try plan.append(DistinctRowsOp(.gemm(GEMM(transposeB: true, m: capacity, n: width, k: direction.shape.cell.gateWidth,
                                                      a: summed, b: direction.bindings.kernel, beta: index == 0 || maskRows != nil ? 0 : 1,
                                                      c: target)), .gemmRows))
            if let maskRows {
                let rows = target.slice(0, size)
                try plan.append(DistinctRowsOp(.multiply(Multiply(rows, maskRows, output: rows)), .elementRows(width: width)))
                if index > 0 {
                    try plan.append(DistinctRowsOp(.axpby(Axpby(alpha: 1, x: rows, beta: 1, y: gradient.rows.slice(0, size))),
                                                   .elementRows(width: width)))
                }
            }
        }
        if let spatial = pairs?.spatialMask {
            let rows = gradient.rows.slice(0, size)
            try plan.append(DistinctRowsOp(.multiply(Multiply(rows, spatial.rows.slice(0, size), output: rows)), .elementRows(width: width)))
        }
        try plan.append(.fill(Fill(gradient.table, value: 0)))
        try plan.append(.embeddingGradient(EmbeddingGradient(
            occurrences: capacity, vocabulary: vocabulary, width: width, outputGradient: gradient.rows,
            index: gradient.index, tableGradient: gradient.table)))
        return plan
    }
}
