export async function seedDemoData(_p: unknown) { return 'seed: not yet'; }
