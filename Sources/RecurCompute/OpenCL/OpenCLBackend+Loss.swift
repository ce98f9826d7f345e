extension OpenCLBackend {
    /// Work-group size of the loss kernels (`LOSS_WG` in loss.cl): exactly one group per launch.
    static let lossGroup = 256

    /// Both label slots, one of them NULL.
    private func labelArguments(_ labels: LossLabels) -> [KernelArgument] {
        switch labels {
        case .indices(let ref): return [.ints(ref), .floats(nil)]
        case .values(let ref): return [.ints(nil), .floats(ref)]
        }
    }

    func loss(_ o: Loss, lane: Int) throws {
        try launch("loss", "cross_entropy", global: [Self.lossGroup], local: [Self.lossGroup], [
            .int(Int(o.loss.rawValue)), .int(Int(o.input.rawValue)), .int(o.batch), .int(o.classes),
            .float(1 / Float(o.batch)), .float(1 / Float(o.batch * o.classes)), .int(o.accumulate ? 1 : 0),
            .floats(o.predictions)] + labelArguments(o.labels) + [.floats(o.value), .floats(o.predictionsGradient)],
            lane: lane)
    }

    func accuracyCount(_ o: AccuracyCount, lane: Int) throws {
        try launch("loss", "accuracy_count", global: [Self.lossGroup], local: [Self.lossGroup], [
            .int(Int(o.loss.rawValue)), .int(Int(o.input.rawValue)), .int(o.batch), .int(o.classes),
            .floats(o.predictions)] + labelArguments(o.labels) + [.floats(o.correct)], lane: lane)
    }
}
