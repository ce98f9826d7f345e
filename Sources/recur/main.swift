import RecurCompute
let found = OpenCLDiscovery.discover()
print(found.devices.map { "\($0.info.identifier) \($0.info.name) | \($0.info.version) | \($0.info.driver)" }, found.problem ?? "")
let cl = try OpenCLBackend(entry: found.devices[0])
print("failures:", cl.buildFailures.mapValues { $0.description })
let cpu = CPUBackend()
let cell = RecurrentCell(.lstm, units: 3)
let b = 2
func mk(_ be: Backend) throws -> [Float] {
    let xp = try be.tensor((0..<b*12).map { Float($0) * 0.01 }), hp = try be.tensor((0..<b*12).map { Float($0) * -0.02 })
    let bias = try be.tensor((0..<12).map { Float($0) * 0.1 }), h0 = try be.tensor([Float](repeating: 0.5, count: 6))
    let h1 = try be.zeros(6), c0 = try be.tensor([Float](repeating: 0.3, count: 6)), c1 = try be.zeros(6), g = try be.zeros(24)
    try be.run(.cellForward(CellForward(cell: cell, batch: b, projectedInput: xp, projectedState: hp, bias: bias, previousState: h0, state: h1, previousCellState: c0, cellState: c1, gates: g)))
    let x = try be.tensor([1, 2, 3, 4, 5, 6]), w = try be.tensor([1, 0, 0, 1, 1, 1]), y = try be.zeros(4)
    try be.run(.gemm(GEMM(m: 2, n: 2, k: 3, a: x, b: w, c: y)))
    return try be.read(h1) + be.read(c1) + be.read(y)
}
print(try mk(cpu)); print(try mk(cl))
