/// `C = alpha · op(A) · op(B) + beta · C`, row-major, optionally over `batch` matrices at fixed
/// strides. This is the only matrix product the engine uses: the input projection of a whole
/// sequence (`[T·B, D] × [D, G·H]`), the per-step recurrent product, the weight gradients over all
/// timesteps and the Dense layers.
public struct GEMM: OpDescription, Hashable {
    public static let kind = OpKind.gemm
    public var transposeA: Bool
    public var transposeB: Bool
    public var m: Int
    public var n: Int
    public var k: Int
    public var alpha: Float
    public var a: FloatRef
    public var lda: Int
    public var b: FloatRef
    public var ldb: Int
    public var beta: Float
    public var c: FloatRef
    public var ldc: Int
    public var batch: Int
    public var strideA: Int
    public var strideB: Int
    public var strideC: Int
    /// Also the column sums of `B` over its `k` rows, written to this `[n]` vector: a layer's bias
    /// gradient `Σ dZ` beside its weight gradient `Xᵀ · dZ`, from the same pass over `dZ` (on the
    /// CPU backend; a backend may sum in a pass of its own). Only for `Aᵀ · B` (transposeA, B not
    /// transposed, `ldb == n`, batch 1).
    public var columnSums: FloatRef?
    /// For `Aᵀ · B` over a training loop's timesteps (`k = T·B`, B its gate gradients): the
    /// loop's time-0 saved gates, by which a backend that shared the loop's padded prefixes
    /// (``PaddedPrefixSharing/training``) finds the rows its backward left zero — those its
    /// stand-ins stood for — and may skip them. Another backend reads every row; the zeros add
    /// nothing.
    public var zeroRowsOfLoop: FloatRef?
    /// Where A's columns as stored (k's, or m's when A is transposed) from some column on are
    /// held instead of `a`; nil: all in `a`. See ``SecondColumns``.
    public var aSecond: SecondColumns?
    /// Where C's columns from some column on are held instead of `c`; nil: all in `c`.
    public var cSecond: SecondColumns?
    /// Where B's columns as stored from some column on are held instead of `b`; nil: all in `b`.
    /// B transposed (`A · Bᵀ`), those are its rows along k, split where ``aSecond`` splits A:
    /// a Bidirectional layer's two input gradients in one product, `[dZ_fwd | dZ_bwd] ·
    /// [W_fwd | W_bwd]ᵀ`. B not transposed, its columns along n, split where ``cSecond`` splits C:
    /// the two directions' input projections in one, `X · [W_fwd | W_bwd]`. Each direction's
    /// kernel stays where it is.
    public var bSecond: SecondColumns?
    /// For a product whose A's first block of columns (before ``aSecond``'s) is the output
    /// sequence (`[T, B, ·]`, time-major, `m = T·B`; `k = T·B` when A is transposed, a weight
    /// gradient `Xᵀ · dZ`) of a forward loop that may share its rows' padded prefixes
    /// (``PaddedPrefixSharing``): that loop's time-0 saved gates, by which a backend that shared
    /// them finds the rows it left equal at each timestep, and may form their first block's part
    /// of the product once there (transposed: from the sum of their rows of B). Another backend
    /// reads every row.
    public var sharedRowsOfLoop: FloatRef?

    /// A plain product with tight leading dimensions: `A` is `[m, k]` (or `[k, m]` transposed),
    /// `B` is `[k, n]` (or `[n, k]`), `C` is `[m, n]`.
    public init(transposeA: Bool = false, transposeB: Bool = false, m: Int, n: Int, k: Int,
                alpha: Float = 1, a: FloatRef, b: FloatRef, beta: Float = 0, c: FloatRef,
                lda: Int? = nil, ldb: Int? = nil, ldc: Int? = nil,
                batch: Int = 1, strideA: Int = 0, strideB: Int = 0, strideC: Int = 0, columnSums: FloatRef? = nil,
                zeroRowsOfLoop: FloatRef? = nil, aSecond: SecondColumns? = nil, cSecond: SecondColumns? = nil,
                bSecond: SecondColumns? = nil, sharedRowsOfLoop: FloatRef? = nil) {
        self.transposeA = transposeA
        self.transposeB = transposeB
        self.m = m; self.n = n; self.k = k
        self.alpha = alpha; self.beta = beta
        self.a = a; self.b = b; self.c = c
        self.lda = lda ?? (transposeA ? m : k)
        self.ldb = ldb ?? (transposeB ? k : n)
        self.ldc = ldc ?? n
        self.batch = batch
        self.strideA = strideA; self.strideB = strideB; self.strideC = strideC
        self.columnSums = columnSums
        self.zeroRowsOfLoop = zeroRowsOfLoop
        self.aSecond = aSecond; self.cSecond = cSecond; self.bSecond = bSecond; self.sharedRowsOfLoop = sharedRowsOfLoop
    }

    public func validate() throws {
        let check = ShapeCheck(Self.kind)
        try check.positive(m, "m"); try check.positive(n, "n"); try check.positive(k, "k")
        try check.positive(batch, "batch")
        let (aRows, storedACols) = transposeA ? (k, m) : (m, k)
        let (bRows, storedBCols) = transposeB ? (n, k) : (k, n)
        let aCols = aSecond?.column ?? storedACols, bCols = bSecond?.column ?? storedBCols, cCols = cSecond?.column ?? n
        try check.require(lda >= aCols, "lda", "must be ≥ \(aCols), got \(lda)")
        try check.require(ldb >= bCols, "ldb", "must be ≥ \(bCols), got \(ldb)")
        try check.require(ldc >= cCols, "ldc", "must be ≥ \(cCols), got \(ldc)")
        try check.atLeast(a, (batch - 1) * strideA + (aRows - 1) * lda + aCols, "A")
        try check.atLeast(b, (batch - 1) * strideB + (bRows - 1) * ldb + bCols, "B")
        try check.atLeast(c, (batch - 1) * strideC + (m - 1) * ldc + cCols, "C")
        try check.require(!c.overlaps(a) && !c.overlaps(b), "C", "must not overlap A or B")
        for (second, rows, columns, name) in [(aSecond, aRows, storedACols, "aSecond"), (bSecond, bRows, storedBCols, "bSecond"),
                                              (cSecond, m, n, "cSecond")] {
            guard let second else { continue }
            try check.require(batch == 1, name, "is for batch 1")
            try check.require(second.column > 0 && second.column < columns, name, "must start inside the \(columns) columns, got \(second.column)")
            try check.require(second.ld >= columns - second.column, name, "needs ld ≥ \(columns - second.column), got \(second.ld)")
            try check.atLeast(second.tensor, (rows - 1) * second.ld + columns - second.column, name)
        }
        try check.require(cSecond == nil || columnSums == nil, "cSecond", "cannot come with columnSums")
        if let aSecond { try check.require(!c.overlaps(aSecond.tensor), "aSecond", "must not overlap C") }
        if let bSecond {
            if transposeB {
                try check.require(!transposeA && aSecond?.column == bSecond.column, "bSecond",
                                  "is for A · Bᵀ with A split along k at the same column (aSecond)")
            } else {
                try check.require(cSecond?.column == bSecond.column, "bSecond", "is for B's columns split where C's are (cSecond)")
            }
            try check.require(!c.overlaps(bSecond.tensor), "bSecond", "must not overlap C")
        }
        if sharedRowsOfLoop != nil {
            try check.require(aSecond != nil && batch == 1, "sharedRowsOfLoop",
                              "is for A's first block of columns (aSecond): along k, or along m when A is transposed")
        }
        if let cSecond {
            let operands = [a, b] + [aSecond, bSecond].compactMap { $0?.tensor } + [c]
            try check.require(!operands.contains { cSecond.tensor.overlaps($0) }, "cSecond", "must not overlap A, B or C")
        }
        if let columnSums {
            try check.require(transposeA && !transposeB && ldb == n && batch == 1, "columnSums",
                              "is for Aᵀ · B with B's rows contiguous (ldb == n) and batch 1")
            try check.count(columnSums, is: n, "columnSums")
            try check.require(!columnSums.overlaps(b) && !columnSums.overlaps(c) && !columnSums.overlaps(a), "columnSums",
                              "must not overlap A, B or C")
        }
        if zeroRowsOfLoop != nil {
            try check.require(transposeA && !transposeB && batch == 1, "zeroRowsOfLoop", "is for Aᵀ · B over a loop's timesteps, batch 1")
        }
    }

    /// The column sums as their own op, for a backend that does not form them in the product.
    public var columnSumsOp: Op? { columnSums.map { .sumRows(SumRows(rows: k, columns: n, input: b.slice(0, k * n), output: $0)) } }

    /// Multiply-adds counted as two FLOPs each.
    public var flops: Double { 2 * Double(m) * Double(n) * Double(k) * Double(batch) }
}
