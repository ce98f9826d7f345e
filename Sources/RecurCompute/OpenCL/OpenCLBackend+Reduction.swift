extension OpenCLBackend {
    /// Work-group size of `sum_of_squares` (`REDUCE_WG` in reduce.cl): exactly one group per launch.
    static let reduceGroup = 256

    /// `sum_rows`: one work-item per column, rows in order.
    func sumRows(_ o: SumRows, lane: Int) throws {
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
