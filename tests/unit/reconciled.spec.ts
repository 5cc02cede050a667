import * as assert from "assert";
import { reconciledProvider } from "../../components/dynamic/reconciled";

interface Thing {
    readonly target: string;
    readonly setting: number;
    readonly note?: string;
}

/** A provider over an in-memory "daemon", to watch what the engine would be told. */
function provider(live: Map<string, number>) {
    return reconciledProvider<Thing, Thing>({
        identity: ["target"],
        compared: ["setting"],
        changed: (olds, news) => olds.note !== news.note,
        idOf: (outs) => `${outs.target}/thing`,
        async apply(inputs) {
            live.set(inputs.target, inputs.setting);
            return { ...inputs };
        },
        async observe(_id, state) {
            const setting = live.get(state.target);
            return setting === undefined ? undefined : { ...state, setting };
        },
    });
}

describe("the dynamic resources' shape (reconciledProvider)", () => {
    const base: Thing = { target: "c1", setting: 128 };

    it("names what it manages: the id is the thing's, and another thing is a replacement", async () => {
        const things = provider(new Map());
        const created = await things.create!(base);
        assert.strictEqual(created.id, "c1/thing");
        const diff = await things.diff!("c1/thing", created.outs!, { ...base, target: "c2" });
        assert.deepStrictEqual([diff.changes, diff.replaces], [true, ["target"]]);
    });

    it("updates in place for a compared input or what `changed` sees, and finds no change otherwise", async () => {
        const things = provider(new Map());
        const outs = (await things.create!(base)).outs!;
        assert.deepStrictEqual((await things.diff!("id", outs, { ...base, setting: 512 })).replaces, []);
        assert.strictEqual((await things.diff!("id", outs, { ...base, setting: 512 })).changes, true);
        assert.strictEqual((await things.diff!("id", outs, { ...base, note: "x" })).changes, true);
        assert.strictEqual((await things.diff!("id", outs, base)).changes, false);
    });

    it("reads the thing as it is for a refresh, and reports it gone with an empty id", async () => {
        const live = new Map<string, number>();
        const things = provider(live);
        const created = await things.create!(base);
        const { id } = created;
        const outs = created.outs!;
        live.set("c1", 0);
        const drifted = await things.read!(id, outs);
        assert.deepStrictEqual([drifted.id, (drifted.props as Thing).setting], [id, 0]);
        // The next diff sees the drift and the update repairs it.
        assert.strictEqual((await things.diff!(id, drifted.props as Thing, base)).changes, true);
        live.clear();
        assert.strictEqual((await things.read!(id, outs)).id, "");
    });
});
