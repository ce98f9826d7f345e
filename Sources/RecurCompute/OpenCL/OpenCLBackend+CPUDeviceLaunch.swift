extension OpenCLBackend {
    /// CPU_CHUNK in common.cl: the elements of one work-item of a `*_rows` kernel.
    static let cpuChunk = 8192

    /// The work-items of a `*_rows` kernel over `n` elements (local size 1), or nil where a
    /// work-item per element is better: on a GPU, and for tensors under half a chunk.
    func cpuChunks(_ n: Int) -> Int? {
        limits.isGPU || n < Self.cpuChunk / 2 ? nil : (n + Self.cpuChunk - 1) / Self.cpuChunk
    }

    /// Work-items a CPU device's row kernels aim for: eight per compute unit, so that the cores
    /// finish together although the items' work differs.
    var cpuWorkItems: Int { 8 * limits.computeUnits }

    /// Rows per work-item of a CPU device's row kernels: ``cpuWorkItems`` items, and at least 16
    /// rows to pay for an item.
    func cpuRowsPerItem(_ rows: Int) -> Int {
        Swift.max(16, (rows + cpuWorkItems - 1) / cpuWorkItems)
    }

    /// `perElement` over `n` work-items, or, where ``cpuChunks(_:)`` says so, `chunked` over a
    /// work-item per CPU_CHUNK elements; the two kernels take the same arguments.
    func launchFlat(_ family: String, _ perElement: String, chunked: String, count n: Int, _ arguments: [KernelArgument],
                    lane: Int) throws {
        if let chunks = cpuChunks(n) {
            try launch(family, chunked, global: [chunks], local: [1], arguments, lane: lane)
        } else {
            try launch(family, perElement, global: [n], arguments, lane: lane)
        }
    }
}
