extension OpenCLBackend {
    /// `dropout_mask`: one work-item per Philox block of 4 elements. `keep` is computed here, as
    /// the CPU computes it, so both backends write the same float.
    func dropoutMask(_ o: DropoutMask, lane: Int) throws {
        let n = o.mask.count
        let keep: Float = 1 / (1 - o.rate)
        try launch("dropout", "dropout_mask", global: [(n + 3) / 4], [
            .int(n), .float(o.rate), .float(keep),
            .uint(UInt32(truncatingIfNeeded: o.seed)), .uint(UInt32(truncatingIfNeeded: o.seed >> 32)),
            .uint(UInt32(truncatingIfNeeded: o.step)), .uint(UInt32(truncatingIfNeeded: o.step >> 32)),
            .uint(o.stream), .floats(o.mask), .ints(o.stepTensor)], lane: lane)
    }
}
