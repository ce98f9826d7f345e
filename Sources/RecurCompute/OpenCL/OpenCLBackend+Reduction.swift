extension OpenCLBackend {
    /// Work-group size of `sum_of_squares` (`REDUCE_WG` in reduce.cl): exactly one group per launch.
    static let reduceGroup = 256

    /// `sum_rows`: one work-item per column, rows in order; on a CPU device, many rows and
    /// columns a multiple of 8 (a bias gradient over a whole sequence), `sum_rows_partial` over a
    /// few slices of rows and then their ordered sum (simplernn-dropout's [64 000, 32] was one
    /// scalar chain per column).
    func sumRows(_ o: SumRows, lane: Int) throws {
        if !limits.isGPU, o.columns % 8 == 0, o.rows >= 1024 {
            let (splits, slice) = Self.slices(of: o.rows, into: min(4 * limits.computeUnits, o.rows / 256))
            let partial = try laneScratch.buffer(lane: lane, floats: splits * o.columns, on: self)
            try launch("reduce", "sum_rows_partial", global: [splits], local: [1], [
                .int(o.rows), .int(o.columns), .int(slice), .floats(o.input), .floats(partial)], lane: lane)
            try launch("gemm_skinny", "gemm_at_b_reduce", global: [o.columns], [
                .int(1), .int(o.columns), .int(splits), .float(1), .float(o.beta), .floats(partial),
                .floats(o.output), .int(o.columns), .floats(nil)], lane: lane)
            return
        }
        try launch("reduce", "sum_rows", global: [o.columns], [
            .int(o.rows), .int(o.columns), .floats(o.input), .float(o.beta), .floats(o.output)], lane: lane)
    }

    func sumOfSquares(_ o: SumOfSquares, lane: Int) throws {
        try launch("reduce", "sum_of_squares", global: [Self.reduceGroup], local: [Self.reduceGroup], [
            .int(o.tensor.count), .floats(o.tensor), .floats(o.result), .int(o.accumulate ? 1 : 0)], lane: lane)
    }

    func clipScale(_ o: ClipScale, lane: Int) throws {
        try launch("reduce", "clip_scale", global: [1], [.floats(o.sumOfSquares), .float(o.clipNorm), .floats(o.scale)],
                   lane: lane)
    }
}
