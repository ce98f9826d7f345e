extension OpenCLBackend {
    /// When the width is a multiple of 4: `embedding_gather_rows` on a CPU device (a work-item
    /// per run of rows), `embedding_gather4` on a GPU (four columns per work-item); otherwise
    /// `embedding_gather` (one work-item per output element).
    func embeddingGather(_ o: EmbeddingGather, lane: Int) throws {
        let arguments: [KernelArgument] = [.int(o.batch), .int(o.time), .int(o.vocabulary), .int(o.width),
                                           .ints(o.tokenIDs), .floats(o.table), .floats(o.output)]
        if o.width % 4 == 0, !limits.isGPU {
            let rows = o.batch * o.time, perItem = cpuRowsPerItem(rows)
            try launch("embedding", "embedding_gather_rows", global: [(rows + perItem - 1) / perItem], local: [1],
                       arguments + [.int(perItem)], lane: lane)
        } else if o.width % 4 == 0 {
            try launch("embedding", "embedding_gather4", global: [o.width / 4, o.batch, o.time], arguments, lane: lane)
        } else {
            try launch("embedding", "embedding_gather", global: [o.time * o.batch * o.width], arguments, lane: lane)
        }
    }

    /// As the gather: `embedding_gradient_rows` on a CPU device (a work-item per share of the
    /// segments), `embedding_gradient4` on a GPU (a work-item per segment and four columns), else
    /// `embedding_gradient` (per segment and column). No atomics: a segment has one work-item.
    func embeddingGradient(_ o: EmbeddingGradient, lane: Int) throws {
        let arguments: [KernelArgument] = [.int(o.occurrences), .int(o.vocabulary), .int(o.width),
                                           .floats(o.outputGradient), .ints(o.sortedRows), .ints(o.segmentStarts),
                                           .ints(o.segmentTokens), .floats(o.tableGradient)]
        if o.width % 4 == 0, !limits.isGPU {
            // The rows a training loop's backward left zero, skipped (``EmbeddingGradient/zeroRowsOfLoop``).
            try launch("embedding", "embedding_gradient_rows", global: [cpuWorkItems], local: [1],
                       arguments + zeroRowArguments(ofLoop: o.zeroRowsOfLoop), lane: lane)
        } else if o.width % 4 == 0 {
            try launch("embedding", "embedding_gradient4", global: [o.width / 4, o.occurrences], arguments, lane: lane)
        } else {
            try launch("embedding", "embedding_gradient", global: [o.occurrences * o.width], arguments, lane: lane)
        }
    }
}
