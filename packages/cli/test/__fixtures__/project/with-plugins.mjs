// A configuration module that names its plug-ins: none, so the OpenAI provider has no plug-in
// even though @agentry/openai is installed beside it.
import config from './valid.json' with { type: 'json' };

export const plugins = [];
export default config;
