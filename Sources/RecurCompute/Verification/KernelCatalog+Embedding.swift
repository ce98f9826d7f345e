extension KernelCatalog {
    /// Host-side values the checks need before any tensor exists (token ids the gradient index is
    /// built from, one-hot labels): Philox, so every run sees the same ones.
    static func hostUniforms(_ count: Int, salt: UInt32) -> [Float] {
        Philox(seed: 0xC0FFEE).uniforms(count: count, stream: salt)
    }

    static func hostIntegers(_ count: Int, _ range: ClosedRange<Int32>, salt: UInt32) -> [Int32] {
        let span = Float(Int(range.upperBound) - Int(range.lowerBound) + 1)
        return hostUniforms(count, salt: salt).map { range.lowerBound + Int32(Swift.min($0 * span, span - 1)) }
    }

    /// (batch, time, vocabulary, width): single token, odd widths, sparse and heavily repeated
    /// vocabularies, a wide row; and widths that are multiples of 4, which OpenCL runs four columns
    /// per work-item (a CPU device's segment sum: eight vectors of columns at a time, then 32
    /// columns, then one vector, then four columns; 180 takes all four on either vector width).
    static let embeddingShapes: [(b: Int, t: Int, v: Int, e: Int)] = [
        (1, 1, 1, 1), (3, 5, 4, 7), (4, 9, 50, 33), (8, 40, 6, 5), (2, 8, 5, 130),
        (1, 1, 1, 4), (4, 9, 50, 32), (8, 40, 6, 12), (2, 8, 5, 128), (3, 8, 7, 180),
    ]

    static func embedding() -> [KernelCheck] {
        var checks: [KernelCheck] = []
        for (b, t, v, e) in embeddingShapes {
            let shape = "B=\(b) T=\(t) V=\(v) E=\(e)"
            // Ids in [−1, V]: both out-of-range sides yield zero rows.
            checks.append(KernelCheck("embedding gather", kind: .embeddingGather, shape: shape,
                tensors: [TensorSpec("ids", b * t, .integers(-1...Int32(v))), TensorSpec("table", v * e, .uniform(-1, 1)),
                          TensorSpec("out", t * b * e, .poison)],
                compared: ["out"], tolerance: .exact) { x in
                [.embeddingGather(EmbeddingGather(batch: b, time: t, vocabulary: v, width: e, tokenIDs: x.int("ids"),
                                                  table: x["table"], output: x["out"]))]
            })
            // Repeated and out-of-range ids; the table gradient starts non-zero so rows of tokens
            // absent from the batch must come back untouched.
            let ids = hostIntegers(b * t, -1...Int32(v), salt: UInt32(b * 1000 + t))
            let index = EmbeddingGradientIndex(tokenIDs: ids, batch: b, time: t, vocabulary: v)
            checks.append(embeddingGradientCheck(shape: shape, occurrences: b * t, vocabulary: v, width: e,
                                                 sortedRows: index.sortedRows, segmentStarts: index.segmentStarts,
                                                 segmentTokens: index.segmentTokens))
        }
        // A hand-made index: a token = V and a −1 over non-empty spans (skipped), an in-range token
        // with an empty span (its row becomes 0), rows out of order.
        for width in [3, 4] {
            checks.append(embeddingGradientCheck(shape: "N=7 V=4 E=\(width) (hand-made index)", occurrences: 7, vocabulary: 4, width: width,
                                                 sortedRows: [6, 2, 0, 5, 3, 1, 4], segmentStarts: [0, 2, 3, 4, 5, 6, 6, 7],
                                                 segmentTokens: [1, 4, 3, -1, 0, 2, -1]))
        }
        // Views at non-zero offsets (a step's arena): ids, table and output inside larger buffers.
        for (b, t, v, e) in [(3, 4, 6, 5), (3, 4, 6, 8)] {
            checks.append(KernelCheck("embedding gather", kind: .embeddingGather, shape: "B=\(b) T=\(t) V=\(v) E=\(e) offset views",
                tensors: [TensorSpec("ids", b * t + 3, .integers(0...Int32(v - 1))), TensorSpec("table", v * e + 2, .uniform(-1, 1)),
                          TensorSpec("out", t * b * e + 9, .poison)],
                compared: ["out"], tolerance: .exact) { x in
                [.embeddingGather(EmbeddingGather(batch: b, time: t, vocabulary: v, width: e, tokenIDs: x.int("ids").slice(3, b * t),
                                                  table: x["table"].slice(2, v * e), output: x["out"].slice(4, t * b * e)))]
            })
        }
        return checks
    }

    static func embeddingGradientCheck(shape: String, occurrences n: Int, vocabulary v: Int, width e: Int,
                                       sortedRows: [Int32], segmentStarts: [Int32], segmentTokens: [Int32]) -> KernelCheck {
        KernelCheck("embedding gradient", kind: .embeddingGradient, shape: shape,
            tensors: [TensorSpec("dy", n * e, .uniform(-1, 1)), TensorSpec("rows", n, .integerValues(sortedRows)),
                      TensorSpec("starts", n + 1, .integerValues(segmentStarts)), TensorSpec("tokens", n, .integerValues(segmentTokens)),
                      TensorSpec("dtable", v * e, .uniform(-1, 1))],
            compared: ["dtable"], tolerance: .accumulation) { x in
            [.embeddingGradient(EmbeddingGradient(occurrences: n, vocabulary: v, width: e, outputGradient: x["dy"],
                                                  index: (x.int("rows"), x.int("starts"), x.int("tokens")), tableGradient: x["dtable"]))]
        }
    }
}
