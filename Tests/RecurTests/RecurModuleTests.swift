import XCTest
import Recur

final class RecurModuleTests: XCTestCase {
    func testRecurReexportsTheComputeCore() {
        XCTAssertEqual(RecurrentCell(.lstm, units: 32).gateWidth, 128)
    }
}
