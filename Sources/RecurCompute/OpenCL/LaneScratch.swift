/// Per lane, one device buffer for an op's intermediate values: a split-K product's partial sums
/// (``OpenCLBackend/weightGradientGEMM(_:splits:slice:lane:)``), a column sum's partial rows, a
/// transposed B for the row-tiled skinny GEMM. A lane's queue runs in order, so the op that
/// wrote it has read it back before the next op on that lane writes it again.
final class LaneScratch {
    private var buffers: [Int: FloatRef] = [:]

    func buffer(lane: Int, floats: Int, on backend: OpenCLBackend) throws -> FloatRef {
        if let known = buffers[lane], known.count >= floats { return known }
        // Releasing a smaller one is safe: OpenCL keeps it alive until enqueued commands finish.
        let storage = try backend.allocate(.float32, count: floats)
        let made = FloatRef(storage: storage, offset: 0, count: floats)
        buffers[lane] = made
        return made
    }
}
