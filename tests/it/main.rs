//! The API integration tests in one binary (one link on two cores): the router in-process against
//! a fresh SQLite file and a fresh PostgreSQL schema (`ZONGGUAN_TEST_POSTGRES_URL`), each test on both.
#[macro_use]
mod common;

mod api;
mod audit;
mod cases;
mod demo;
mod disputes;
mod governance_map;
mod governance_settings;
mod headers;
mod imports;
mod input;
mod listing;
mod map;
mod migrations;
mod openapi;
mod org;
mod petitions;
mod registry;
mod rental;
mod scope;
mod security;
mod stability;
mod web;
