/// A device buffer of zeros, grown on demand: the row a fused loop reading its input gather in
/// place (``FusedRecurrentLoop/TokenRows``) reads for an id outside the table, as the gather
/// would have written zeros for it. Written once from the host, then only read.
final class ZeroRows {
    private var zeros: FloatRef?

    func atLeast(_ floats: Int, on backend: OpenCLBackend) throws -> FloatRef {
        if let zeros, zeros.count >= floats { return zeros }
        // Releasing a smaller one is safe: OpenCL keeps it alive until enqueued commands finish.
        let made = try backend.zeros(Swift.max(floats, 1024))
        zeros = made
        return made
    }
}
