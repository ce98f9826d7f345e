/// A recurrent layer fed straight by an embedding lookup, projected per vocabulary row instead of
/// per token: `x·W` for an occurrence of token `v` is row `v` of `P = E·W`, so the forward
/// projects the `V` rows of the table once and gathers `T·B` rows of `P`, and the backward sums
/// the gate gradients per token first (`S`, `[V, G·H]`, the embedding gradient's own
/// deterministic segment sum) and then needs only `V`-row products: `dW = Eᵀ·S`,
/// `d(bias) = Σ_v S_v`, `dE = S·Wᵀ`. Worth it when the vocabulary is well below `T·B` (IMDB:
/// 10,000 words against 64,000 tokens a batch — the projection, `dW` and the input gradient
/// shrink sixfold, and the `[T, B, E]` embedding output is never formed).
///
/// Same mathematics as the per-token products: only the order of the sums over occurrences
/// changes (grouped by token), within Float32 rounding of the per-token path.
public struct TokenProjection: Sendable {
    /// `[V, E]`, the embedding table (V is the shape's ``RecurrentSequence/Shape/projectedVocabulary``).
    public var table: FloatRef
    /// `[B, T]`, batch-major as uploaded.
    public var tokenIDs: IntRef
    /// The batch's occurrences grouped by token (``EmbeddingGradientIndex``); needed by backward.
    public var index: (sortedRows: IntRef, segmentStarts: IntRef, segmentTokens: IntRef)?
    /// `[V, E]`: where backward writes (overwrites) `dE`; nil when the table is not trained.
    public var tableGradient: FloatRef?

    public init(table: FloatRef, tokenIDs: IntRef,
                index: (sortedRows: IntRef, segmentStarts: IntRef, segmentTokens: IntRef)?, tableGradient: FloatRef?) {
        self.table = table; self.tokenIDs = tokenIDs
        self.index = index; self.tableGradient = tableGradient
    }

    /// Whether projecting the vocabulary costs less than projecting the batch's tokens: at most
    /// half as many rows.
    public static func pays(vocabulary: Int, batch: Int, time: Int) -> Bool { 2 * vocabulary <= batch * time }
}
