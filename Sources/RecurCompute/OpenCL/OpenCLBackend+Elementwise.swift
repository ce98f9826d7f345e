extension OpenCLBackend {
    /// Work-group size of `softmax_rows` (`SOFTMAX_WG` in elementwise.cl): one group per row.
    static let softmaxGroup = 256

    func fill(_ o: Fill, lane: Int) throws {
        try launchFlat("elementwise", "fill", chunked: "fill_rows", count: o.tensor.count,
                       [.int(o.tensor.count), .floats(o.tensor), .float(o.value)], lane: lane)
    }

    /// On a CPU device a large copy runs as `copy_rows` when it is one contiguous run, else as
    /// `copy2D_rows` (whole rows per work-item, about a chunk's worth).
    func copy2D(_ o: Copy2D, lane: Int) throws {
        let n = o.rows * o.columns
        if let chunks = cpuChunks(n) {
            if o.isOneRun {
                try launch("elementwise", "copy_rows", global: [chunks], local: [1], [.int(n), .floats(o.source), .floats(o.destination)],
                           lane: lane)
            } else {
                let perItem = Swift.max(1, Self.cpuChunk / o.columns)
                try launch("elementwise", "copy2D_rows", global: [(o.rows + perItem - 1) / perItem], local: [1], [
                    .int(o.rows), .int(o.columns), .floats(o.source), .int(o.sourceStride),
                    .floats(o.destination), .int(o.destinationStride), .int(perItem)], lane: lane)
            }
            return
        }
        try launch("elementwise", "copy2D", global: [n], [
            .int(o.rows), .int(o.columns), .floats(o.source), .int(o.sourceStride),
            .floats(o.destination), .int(o.destinationStride)], lane: lane)
    }

    func addBias(_ o: AddBias, lane: Int) throws {
        try launch("elementwise", "add_bias", global: [o.rows * o.columns], [
            .int(o.rows), .int(o.columns), .floats(o.tensor), .floats(o.bias)], lane: lane)
    }

    func activationForward(_ o: ActivationForward, lane: Int) throws {
        try launch("elementwise", "activation_forward", global: [o.input.count], [
            .int(o.input.count), .int(Int(o.activation.rawValue)), .floats(o.input), .floats(o.output)], lane: lane)
    }

    func activationBackward(_ o: ActivationBackward, lane: Int) throws {
        try launch("elementwise", "activation_backward", global: [o.output.count], [
            .int(o.output.count), .int(Int(o.activation.rawValue)), .floats(o.output), .floats(o.outputGradient),
            .floats(o.inputGradient)], lane: lane)
    }

    func softmax(_ o: Softmax, lane: Int) throws {
        try launch("elementwise", "softmax_rows", global: [o.rows * Self.softmaxGroup], local: [Self.softmaxGroup], [
            .int(o.rows), .int(o.columns), .floats(o.input), .floats(o.output)], lane: lane)
    }

    func multiply(_ o: Multiply, lane: Int) throws {
        try launchFlat("elementwise", "multiply", chunked: "multiply_rows", count: o.a.count,
                       [.int(o.a.count), .floats(o.a), .floats(o.b), .floats(o.output)], lane: lane)
    }

    /// On a CPU device a large one runs as `multiply_broadcast_rows`, whole repeats per work-item
    /// (about a chunk's worth), so no element needs its factor's index divided out.
    func multiplyBroadcast(_ o: MultiplyBroadcast, lane: Int) throws {
        let n = o.factor.count
        if cpuChunks(o.repeats * n) != nil {
            let perItem = Swift.max(1, Self.cpuChunk / n)
            try launch("elementwise", "multiply_broadcast_rows", global: [(o.repeats + perItem - 1) / perItem], local: [1], [
                .int(o.repeats), .int(n), .floats(o.input), .floats(o.factor), .floats(o.output), .int(perItem)], lane: lane)
            return
        }
        try launch("elementwise", "multiply_broadcast", global: [n, o.repeats], [
            .int(o.repeats), .int(n), .floats(o.input), .floats(o.factor), .floats(o.output)], lane: lane)
    }

    func axpby(_ o: Axpby, lane: Int) throws {
        try launchFlat("elementwise", "axpby", chunked: "axpby_rows", count: o.x.count,
                       [.int(o.x.count), .float(o.alpha), .floats(o.x), .float(o.beta), .floats(o.y)], lane: lane)
    }

    func clipByValue(_ o: ClipByValue, lane: Int) throws {
        try launch("elementwise", "clip_by_value", global: [o.tensor.count], [
            .int(o.tensor.count), .floats(o.tensor), .float(o.limit)], lane: lane)
    }
}
