extension OpenCLBackend {
    /// `embedding_gather`: one work-item per output element.
    func embeddingGather(_ o: EmbeddingGather, lane: Int) throws {
        try launch("embedding", "embedding_gather", global: [o.time * o.batch * o.width], [
            .int(o.batch), .int(o.time), .int(o.vocabulary), .int(o.width),
            .ints(o.tokenIDs), .floats(o.table), .floats(o.output)], lane: lane)
    }

    /// `embedding_gradient`: one work-item per (segment, column), no atomics.
    func embeddingGradient(_ o: EmbeddingGradient, lane: Int) throws {
        try launch("embedding", "embedding_gradient", global: [o.occurrences * o.width], [
            .int(o.occurrences), .int(o.vocabulary), .int(o.width),
            .floats(o.outputGradient), .ints(o.sortedRows), .ints(o.segmentStarts), .ints(o.segmentTokens),
            .floats(o.tableGradient)], lane: lane)
    }
}
