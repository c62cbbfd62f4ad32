import { defineTool } from '@agentry/core';
import { z } from 'zod';

/** A stand-in for a weather service: the app's own data, looked up by city. */
const forecasts = new Map([
  ['lisbon', { celsius: 21, sky: 'sunny' }],
  ['oslo', { celsius: 4, sky: 'overcast' }],
  ['tokyo', { celsius: 17, sky: 'light rain' }],
]);

/**
 * The app's one tool. The model sees `input` as JSON Schema; arguments that do not match it never
 * reach `execute`, and an error thrown here goes back to the model as the call's result.
 */
export const weather = defineTool({
  name: 'get_weather',
  description: 'The current weather in a city: the temperature in °C and the sky.',
  input: z.object({ city: z.string().min(1) }),
  execute: ({ city }) => {
    const forecast = forecasts.get(city.trim().toLowerCase());
    if (!forecast) {
      throw new Error(`No weather station in ${city}; known cities: Lisbon, Oslo, Tokyo.`);
    }
    return { city, ...forecast };
  },
});
