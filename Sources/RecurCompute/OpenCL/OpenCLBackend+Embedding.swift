extension OpenCLBackend {
    /// `embedding_gather4` (four columns per work-item) when the width is a multiple of 4, else
    /// `embedding_gather` (one work-item per output element).
    func embeddingGather(_ o: EmbeddingGather, lane: Int) throws {
        let arguments: [KernelArgument] = [.int(o.batch), .int(o.time), .int(o.vocabulary), .int(o.width),
                                           .ints(o.tokenIDs), .floats(o.table), .floats(o.output)]
        if o.width % 4 == 0 {
            try launch("embedding", "embedding_gather4", global: [o.width / 4, o.batch, o.time], arguments, lane: lane)
        } else {
            try launch("embedding", "embedding_gather", global: [o.time * o.batch * o.width], arguments, lane: lane)
        }
    }

    /// `embedding_gradient4` or `embedding_gradient`, as the gather: one work-item per (segment,
    /// four columns) or per (segment, column); no atomics.
    func embeddingGradient(_ o: EmbeddingGradient, lane: Int) throws {
        let arguments: [KernelArgument] = [.int(o.occurrences), .int(o.vocabulary), .int(o.width),
                                           .floats(o.outputGradient), .ints(o.sortedRows), .ints(o.segmentStarts),
                                           .ints(o.segmentTokens), .floats(o.tableGradient)]
        if o.width % 4 == 0 {
            try launch("embedding", "embedding_gradient4", global: [o.width / 4, o.occurrences], arguments, lane: lane)
        } else {
            try launch("embedding", "embedding_gradient", global: [o.occurrences * o.width], arguments, lane: lane)
        }
    }
}
